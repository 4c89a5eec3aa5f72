//! A process pool that moves no data through pipes: the items and the
//! results live in shared memory (chapter 6), mapped before the workers are
//! forked, and only chunk numbers and completions cross the pipes.
//!
//! * `cells`: [`InSharedMemory`], the values that may make the trip (those
//!   that fit in an atomic);
//! * `record`: the mappings, and the per-chunk record whose tickets publish
//!   the items to a worker and the results back to the parent;
//! * `worker`: a worker's loop, its two 16-byte messages, its fork;
//! * `round`: one round of a `map`: chunks posted, handed out, collected;
//! * this module: [`SharedMemoryPool`], `new`, `map`, failures and shutdown.
//!
//! What changes from the [pipe pool](super::process_pool):
//!
//! * The task is given once, to [`SharedMemoryPool::new`], and the fork
//!   copies it into every worker: any `Fn(T) -> U`, a closure that captures
//!   too, inlined into the worker's loop (the pipe pool sends a `fn` by
//!   address with every chunk).
//! * The mappings have a fixed size, chosen before the fork: a `map` over
//!   more items than `capacity` runs in rounds of `capacity`.
//! * A worker's results land in memory that the next chunk reuses, so a
//!   worker still running a chunk of a failed `map` is killed and replaced
//!   rather than left to finish: it would write over the next map's results.

mod cells;
mod record;
mod round;
mod worker;

use std::io::{self, Write};

use processes::demos::process::ExitStatus;
use timeline::Span;

pub use cells::InSharedMemory;

use super::process_pool::PoolError;
use record::Shared;
use round::Round;
use worker::{STOP, Worker, encode_pair, spawn_worker};

/// Python's chunk size makes at most this many chunks per worker.
const CHUNKS_PER_WORKER: usize = 4;

// ANCHOR: pool
/// A pool of worker processes that run one task, `F`, over items of type
/// `T` into results of type `U`, reading and writing them in shared memory.
///
/// Only values that fit in a cell of shared memory may be items or results
/// ([`InSharedMemory`]); a task on `String`s is refused (E0277):
///
#[doc = "```compile_fail,E0277"]
#[doc = include_str!("../../../compile_fail/string_in_shared_memory.rs")]
#[doc = "```"]
pub struct SharedMemoryPool<T: InSharedMemory, U: InSharedMemory, F: Fn(T) -> U> {
    shared: Shared<T, U>,
    task: F,
    workers: Vec<Worker>,
    /// The chunk (of the current round) each worker holds, if any.
    busy: Vec<Option<usize>>,
    /// The last ticket handed out; the first is 1, as 0 is "never posted".
    tickets: u64,
    closed: bool,
}
// ANCHOR_END: pool

impl<T, U, F> SharedMemoryPool<T, U, F>
where
    T: InSharedMemory,
    U: InSharedMemory,
    F: Fn(T) -> U,
{
    // ANCHOR: new
    /// Maps room for `capacity` items and as many results, then forks
    /// `workers` workers (at least one of each) that run `task`.
    ///
    /// # Safety
    ///
    /// `task` runs in the forked workers: it must keep
    /// [`Process::start`](processes::demos::process::Process::start)'s
    /// contract, as for [`ProcessPool::map`](super::process_pool::ProcessPool::map):
    /// computation, allocation and async-signal-safe calls only.
    pub unsafe fn new(workers: usize, capacity: usize, task: F) -> io::Result<Self> {
        assert!(workers > 0, "a pool needs at least one worker");
        assert!(capacity > 0, "a pool needs room for at least one item");
        let mut pool = SharedMemoryPool {
            // Before the first fork: mappings made later are not shared.
            shared: Shared::new(capacity, CHUNKS_PER_WORKER * workers)?,
            task,
            workers: Vec::with_capacity(workers),
            busy: vec![None; workers],
            tickets: 0,
            closed: false,
        };
        for _ in 0..workers {
            // SAFETY: `task` keeps `spawn_worker`'s contract: our caller's
            // promise (see `# Safety`).
            let worker = unsafe { spawn_worker(&pool.shared, &pool.task)? };
            pool.workers.push(worker);
        }
        Ok(pool)
    }
    // ANCHOR_END: new

    /// The workers' process ids, in worker order.
    pub fn pids(&self) -> Vec<i32> {
        self.workers.iter().map(|w| w.process.pid()).collect()
    }

    /// How many items fit in the shared mappings: a longer `map` runs in
    /// rounds of this many.
    pub fn capacity(&self) -> usize {
        self.shared.input.len()
    }

    // ANCHOR: map
    /// Applies the task to every item in the workers and returns the results
    /// in input order, like Python's `Pool.map`, with Python's chunk size.
    pub fn map(&mut self, items: &[T]) -> Result<Vec<U>, PoolError> {
        self.run(items, None)
    }
    // ANCHOR_END: map

    /// [`map`](SharedMemoryPool::map), and what happened when: one span per
    /// chunk on its worker's lane, and the parent's copies and waits on the
    /// lane `parent`.
    pub fn map_traced(&mut self, items: &[T]) -> Result<(Vec<U>, Vec<Span>), PoolError> {
        let mut spans = Vec::new();
        let results = self.run(items, Some(&mut spans))?;
        Ok((results, spans))
    }

    fn run(&mut self, items: &[T], mut trace: Option<&mut Vec<Span>>) -> Result<Vec<U>, PoolError> {
        if self.closed {
            return Err(io::Error::other("the pool is closed").into());
        }
        let mut results = Vec::with_capacity(items.len());
        let mut first_chunk = 0;
        for (index, window) in items.chunks(self.capacity()).enumerate() {
            let base = index * self.capacity();
            let mut round = Round::new(base, first_chunk, window.len(), self.workers.len());
            let outcome = self.run_round(&mut round, window, &mut results, trace.as_deref_mut());
            if let Err(error) = outcome {
                self.abandon();
                return Err(error);
            }
            first_chunk += round.count;
        }
        Ok(results)
    }

    // ANCHOR: abandon
    /// After a failed round: every worker still holding a chunk would go on
    /// writing results into the mappings the next `map` uses, so it is
    /// killed and replaced now, not waited for (its chunk may never end).
    fn abandon(&mut self) {
        for worker in 0..self.workers.len() {
            if self.busy[worker].take().is_some() {
                // A failure here leaves a dead worker in place: the next
                // `send` to it fails with EPIPE, and `bury` tries again.
                let _ = self.replace(worker);
            }
        }
    }
    // ANCHOR_END: abandon

    /// Kills worker `index` (a no-op if it has died already), reaps it, and
    /// forks its replacement in the same place.
    fn replace(&mut self, index: usize) -> io::Result<ExitStatus> {
        let worker = &mut self.workers[index];
        worker.process.kill()?;
        let status = worker.process.join()?;
        // SAFETY: this pool was made by `new`, whose caller promised that
        // `task` keeps `spawn_worker`'s contract.
        let new = unsafe { spawn_worker(&self.shared, &self.task)? };
        self.workers[index] = new;
        Ok(status)
    }

    // ANCHOR: shutdown
    /// Tells each worker to stop, closes the task pipes and waits for every
    /// worker to exit: each reads the stop message and exits with 0. Python's
    /// `close()` then `join()`. It waits for the workers, not for an
    /// end-of-file, so other children of this process, which may hold the
    /// task pipes' write ends, cannot make it hang.
    pub fn join(mut self) -> io::Result<Vec<ExitStatus>> {
        self.closed = true;
        for worker in &mut self.workers {
            if let Some(mut tasks) = worker.tasks.take() {
                // A worker that died cannot read it (EPIPE): its status says so.
                let _ = tasks.write_all(&encode_pair(STOP, 0));
            }
        }
        self.workers.iter_mut().map(|w| w.process.join()).collect()
    }
}

impl<T: InSharedMemory, U: InSharedMemory, F: Fn(T) -> U> Drop for SharedMemoryPool<T, U, F> {
    /// Kills and reaps every worker, as leaving Python's `with Pool()`
    /// block does: a chunk that never ends cannot hold the drop. The
    /// mappings are unmapped after the workers are gone (fields drop after
    /// `drop` returns).
    fn drop(&mut self) {
        for worker in &mut self.workers {
            worker.tasks = None;
            let _ = worker.process.kill();
            let _ = worker.process.join();
        }
    }
}
// ANCHOR_END: shutdown
