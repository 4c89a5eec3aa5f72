//! WRONG: even chunks of `len.div_ceil(parts)` items, the last one takes what is left
//! EXPECT: differ by more than one
//! CLAUSE: 6
//!
//! Rounding the size up makes every chunk but the last one too big: 10
//! items in 4 parts become 3, 3, 3 and 1, and the worker with 1 item waits
//! for the others.

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
    if len == 0 {
        return Vec::new();
    }
    let size = len.div_ceil(parts);
    (0..len)
        .step_by(size)
        .map(|start| start..(start + size).min(len))
        .collect()
}
