//! WRONG: a chunk ends at `start + chunksize - 1`, as if ranges were inclusive
//! EXPECT: are in no chunk
//! CLAUSE: 1
//!
//! Rust's `a..b` already leaves `b` out; subtracting one more drops the
//! last item of every chunk.

use std::ops::Range;

pub fn chunk_ranges(len: usize, chunksize: usize) -> Vec<Range<usize>> {
    if len == 0 {
        return Vec::new();
    }
    assert!(chunksize > 0, "chunk size must be positive");
    (0..len)
        .step_by(chunksize)
        .map(|start| start..(start + chunksize - 1).min(len))
        .collect()
}

pub fn even_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be positive");
    let parts = parts.min(len);
    let mut chunks = Vec::with_capacity(parts);
    let mut start = 0;
    for i in 0..parts {
        let size = len / parts + usize::from(i < len % parts);
        chunks.push(start..start + size);
        start += size;
    }
    chunks
}
