//! Exercise: cut `len` items into chunks, the two ways pools do it.
//!
//! A pool sends items to its workers in chunks: one message per chunk rather
//! than per item. Python's `Pool.map` uses chunks of a fixed size (about four
//! per worker, see `demos::process_pool::python_chunksize`), handed out as
//! workers become free. A static schedule (OpenMP's `schedule(static)`)
//! instead gives each worker one chunk, all of nearly the same size.
#![allow(unused_variables)]

use std::ops::Range;

// ANCHOR: starter
/// The chunks of `chunksize` items that cover `0..len`, in order: every
/// chunk has `chunksize` items except perhaps the last, which has the rest.
/// Any chunk size from 1 to `usize::MAX` (one chunk then holds everything).
/// No items, no chunks. Panics if `chunksize` is 0 and there are items.
///
/// `chunk_ranges(10, 4)` is `[0..4, 4..8, 8..10]`.
pub fn chunk_ranges(len: usize, chunksize: usize) -> Vec<Range<usize>> {
    // TODO: step through 0..len by chunksize; the last end is len.
    todo!("cut 0..len into ranges of chunksize items, the last one shorter")
}

/// `0..len` cut into `parts` contiguous chunks whose sizes differ by at most
/// one, the larger ones first; fewer chunks if there are fewer items than
/// parts (never an empty chunk). Panics if `parts` is 0, even with no items.
///
/// `even_ranges(10, 4)` is `[0..3, 3..6, 6..8, 8..10]`.
pub fn even_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    // TODO: each chunk gets len / parts items, and the first len % parts
    // chunks one more.
    todo!("cut 0..len into parts chunks whose sizes differ by at most one")
}
// ANCHOR_END: starter
