//! WRONG: every even chunk gets `len / parts` items and the remainder is dropped
//! EXPECT: a dropped remainder
//! CLAUSE: 5
//!
//! `len / parts` rounds down: with 10 items in 4 parts, four chunks of 2
//! cover 0..8, and items 8 and 9 are never handed to any worker.

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
    if parts == 0 {
        return Vec::new();
    }
    let size = len / parts;
    (0..parts).map(|i| i * size..(i + 1) * size).collect()
}
