//! WRONG: even_ranges returns no chunks for no items before it refuses `parts == 0`
//! EXPECT: even_ranges(0, 0) must panic
//! CLAUSE: 7
//!
//! The student handles "no items" first, as the hints say for
//! `chunk_ranges`, and only then asserts on `parts`. But `even_ranges`
//! promises without condition: "Panics if `parts` is 0", so
//! `even_ranges(0, 0)` must panic and here it quietly returns `[]`.

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
    (0..len)
        .step_by(chunksize)
        .map(|start| start..len.min(start.saturating_add(chunksize)))
        .collect()
}

/// `0..len` cut into `parts` contiguous chunks whose sizes differ by at most
/// one, the larger ones first; fewer chunks if there are fewer items than
/// parts (never an empty chunk). Panics if `parts` is 0.
///
/// `even_ranges(10, 4)` is `[0..3, 3..6, 6..8, 8..10]`.
pub fn even_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    if len == 0 {
        return Vec::new();
    }
    assert!(parts > 0, "parts must be at least 1");
    let parts = parts.min(len);
    let base = len / parts;
    let extra = len % parts;
    let mut start = 0;
    (0..parts)
        .map(|i| {
            let size = base + usize::from(i < extra);
            let range = start..start + size;
            start += size;
            range
        })
        .collect()
}
