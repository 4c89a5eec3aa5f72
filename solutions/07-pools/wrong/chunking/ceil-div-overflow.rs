//! WRONG: counts chunks with `(len + chunksize - 1) / chunksize`, which overflows for a huge chunk size
//! EXPECT: chunk_ranges(1, 18446744073709551615) panicked
//! CLAUSE: 1
//!
//! The ceiling division is the textbook way to count chunks, and it is right
//! for every size a test is likely to try. With a chunksize near
//! `usize::MAX` (one chunk that holds everything: a legal size) the sum
//! overflows: a panic in a debug build, and a wrong count of 0 chunks (so no
//! chunks for 10 items) in release.

use std::ops::Range;

/// The chunks of `chunksize` items that cover `0..len`, in order: every
/// chunk has `chunksize` items except perhaps the last, which has the rest.
/// No items, no chunks. Panics if `chunksize` is 0 and there are items.
///
/// `chunk_ranges(10, 4)` is `[0..4, 4..8, 8..10]`.
pub fn chunk_ranges(len: usize, chunksize: usize) -> Vec<Range<usize>> {
    if len == 0 {
        return Vec::new();
    }
    assert!(chunksize > 0, "chunksize must be at least 1");
    let count = (len + chunksize - 1) / chunksize;
    (0..count)
        .map(|i| {
            let start = i * chunksize;
            let end = if i + 1 == count {
                len
            } else {
                start + chunksize
            };
            start..end
        })
        .collect()
}

/// `0..len` cut into `parts` contiguous chunks whose sizes differ by at most
/// one, the larger ones first; fewer chunks if there are fewer items than
/// parts (never an empty chunk). Panics if `parts` is 0.
///
/// `even_ranges(10, 4)` is `[0..3, 3..6, 6..8, 8..10]`.
pub fn even_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let parts = parts.min(len);
    let mut ranges = Vec::with_capacity(parts);
    if parts == 0 {
        return ranges;
    }
    let base = len / parts;
    let extra = len % parts;
    let mut start = 0;
    for i in 0..parts {
        let size = base + usize::from(i < extra);
        ranges.push(start..start + size);
        start += size;
    }
    ranges
}
