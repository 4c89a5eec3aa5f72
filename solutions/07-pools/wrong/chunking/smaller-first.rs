//! WRONG: the extra items go to the last chunks instead of the first
//! EXPECT: the larger chunks come first
//! CLAUSE: 6
//!
//! Sizes still differ by at most one, but not in the order the
//! specification gives (`even_ranges(10, 4)` is `[0..3, 3..6, 6..8, 8..10]`).

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
    let parts = parts.min(len);
    let mut chunks = Vec::with_capacity(parts);
    let mut start = 0;
    for i in 0..parts {
        let size = len / parts + usize::from(i >= parts - len % parts);
        chunks.push(start..start + size);
        start += size;
    }
    chunks
}
