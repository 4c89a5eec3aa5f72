//! ALT: each chunk's bounds computed from its number, no running total

use std::ops::Range;

/// Chunk `i` of `chunksize` items, for every `i` below the chunk count.
pub fn chunk_ranges(len: usize, chunksize: usize) -> Vec<Range<usize>> {
    if len == 0 {
        return Vec::new();
    }
    assert!(chunksize > 0, "a chunk size of 0 cannot cover {len} items");
    (0..len.div_ceil(chunksize))
        .map(|i| i * chunksize..((i + 1) * chunksize).min(len))
        .collect()
}

/// Chunk `i` starts after `i` chunks of `len / parts` items and one extra
/// item for each of the first `min(i, len % parts)` chunks.
pub fn even_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "cannot cut items into 0 parts");
    let parts = parts.min(len);
    if parts == 0 {
        return Vec::new();
    }
    let (base, extra) = (len / parts, len % parts);
    let start = |i: usize| i * base + i.min(extra);
    (0..parts).map(|i| start(i)..start(i + 1)).collect()
}
