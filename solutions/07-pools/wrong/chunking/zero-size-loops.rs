//! WRONG: a chunk size of 0 is not refused, and the loop never advances
//! EXPECT: a chunk size of 0 never moves past item 0
//! CLAUSE: 4
//!
//! With `chunksize == 0` every chunk ends where it starts, `start` stays
//! at 0, and the loop pushes empty chunks until memory runs out.

use std::ops::Range;

pub fn chunk_ranges(len: usize, chunksize: usize) -> Vec<Range<usize>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < len {
        let end = (start + chunksize).min(len);
        chunks.push(start..end);
        start = end;
    }
    chunks
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
