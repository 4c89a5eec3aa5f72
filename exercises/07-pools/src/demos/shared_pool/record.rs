//! The shared memory of a pool: the items, the results, and one record per
//! chunk that says which items it covers and publishes them.

use std::io;
use std::ops::Range;
use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};

use shared_memory::demos::region::{ProcessShared, SharedSlice};

use super::cells::InSharedMemory;

// ANCHOR: record
/// One chunk, as parent and worker see it in shared memory.
///
/// The parent writes the items and `start`/`end`, then stores a new
/// `posted` ticket with `Release`; the worker loads it with `Acquire` before
/// it reads anything else. The worker writes the results, `pid` and the
/// times, then stores the same ticket in `done` with `Release`; the parent
/// loads it with `Acquire` before it reads a result. Each pair is a
/// happens-before edge in Rust's memory model; the pipe message that follows
/// each store only says "look now" (see the worker loop for why the load
/// then sees the store).
#[derive(Debug, Default)]
pub(super) struct ChunkRecord {
    pub start: AtomicUsize,
    pub end: AtomicUsize,
    pub posted: AtomicU64,
    pub done: AtomicU64,
    /// Who ran the chunk, and when (nanoseconds on `CLOCK_MONOTONIC`): for
    /// timelines only.
    pub pid: AtomicI32,
    pub started_ns: AtomicU64,
    pub finished_ns: AtomicU64,
}

// SAFETY: every field is a lock-free atomic, each `ProcessShared` itself:
// all-zero bytes are a valid record (tickets start at 1, so 0 means "never
// posted"), no field points anywhere, every change is an atomic operation
// through `&self`, and neither the atomics nor the struct need `Drop`. Its
// alignment, 8, is far below a page.
unsafe impl ProcessShared for ChunkRecord {}
// ANCHOR_END: record

impl ChunkRecord {
    /// The items of this chunk, as the parent posted them.
    pub fn items(&self) -> Range<usize> {
        self.start.load(Ordering::Relaxed)..self.end.load(Ordering::Relaxed)
    }
}

// ANCHOR: shared
/// The pool's mappings, all made before the first worker is forked, so that
/// every worker, and every replacement forked later, shares them.
pub(super) struct Shared<T: InSharedMemory, U: InSharedMemory> {
    /// Items of the current round, written by the parent only.
    pub input: SharedSlice<T::Cell>,
    /// Results of the current round: slot `i` is written by the worker that
    /// holds the chunk containing `i`, and by no one else.
    pub output: SharedSlice<U::Cell>,
    /// One record per chunk of a round: Python's chunk size makes at most
    /// four chunks per worker.
    pub chunks: SharedSlice<ChunkRecord>,
}
// ANCHOR_END: shared

impl<T: InSharedMemory, U: InSharedMemory> Shared<T, U> {
    pub fn new(capacity: usize, chunks: usize) -> io::Result<Self> {
        Ok(Shared {
            input: SharedSlice::new(capacity)?,
            output: SharedSlice::new(capacity)?,
            chunks: SharedSlice::new(chunks)?,
        })
    }
}
