//! Solution: cut `len` items into chunks, the two ways pools do it.

use std::ops::Range;

// ANCHOR: chunk_ranges
/// The chunks of `chunksize` items that cover `0..len`, in order: every
/// chunk has `chunksize` items except perhaps the last, which has the rest.
/// Any chunk size from 1 to `usize::MAX` (one chunk then holds everything).
/// No items, no chunks. Panics if `chunksize` is 0 and there are items.
pub fn chunk_ranges(len: usize, chunksize: usize) -> Vec<Range<usize>> {
    if len == 0 {
        return Vec::new();
    }
    assert!(chunksize > 0, "a chunk size of 0 cannot cover {len} items");
    (0..len)
        .step_by(chunksize)
        .map(|start| start..start + chunksize.min(len - start))
        .collect()
}
// ANCHOR_END: chunk_ranges

// ANCHOR: even_ranges
/// `0..len` cut into `parts` contiguous chunks whose sizes differ by at most
/// one, the larger ones first; fewer chunks if there are fewer items than
/// parts (never an empty chunk). Panics if `parts` is 0, even with no items.
pub fn even_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "cannot cut items into 0 parts");
    let parts = parts.min(len);
    if parts == 0 {
        return Vec::new();
    }
    let (base, extra) = (len / parts, len % parts);
    let mut start = 0;
    (0..parts)
        .map(|i| {
            let size = base + usize::from(i < extra);
            let chunk = start..start + size;
            start += size;
            chunk
        })
        .collect()
}
// ANCHOR_END: even_ranges
