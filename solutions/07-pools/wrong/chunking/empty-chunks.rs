//! WRONG: always `parts` chunks, even when there are fewer items than parts
//! EXPECT: an empty chunk
//! CLAUSE: 5
//!
//! With 2 items in 4 parts, two of the chunks are empty: a worker is woken
//! for nothing, and a pool that counts replies waits for chunks that hold
//! no work.

use std::ops::Range;

pub fn chunk_ranges(len: usize, chunksize: usize) -> Vec<Range<usize>> {
    if len == 0 {
        return Vec::new();
    }
    assert!(chunksize > 0, "chunk size must be positive");
    (0..len)
        .step_by(chunksize)
        .map(|start| start..(start + chunksize).min(len))
        .collect()
}

pub fn even_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be positive");
    let (base, extra) = (len / parts, len % parts);
    let mut chunks = Vec::with_capacity(parts);
    let mut start = 0;
    for i in 0..parts {
        let size = base + usize::from(i < extra);
        chunks.push(start..start + size);
        start += size;
    }
    chunks
}
