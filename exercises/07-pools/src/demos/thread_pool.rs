//! A thread pool: the Rust Book's (chapter 21), on crossbeam-channel, with
//! results back in input order and panics reported instead of killing
//! workers.
//!
//! Threads share memory, so nothing is serialized: a job is a boxed closure
//! moved through a channel, and `map` takes any closure, captures included.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Sender, unbounded};

use super::process_pool::{panic_message, python_chunksize};

/// Work for a worker thread: any closure that can move to another thread.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// Gives each pool a number, so that a worker thread knows whose it is.
static NEXT_POOL_ID: AtomicUsize = AtomicUsize::new(1);

thread_local! {
    /// The id of the pool this thread works for; 0 on any other thread.
    static WORKER_OF: Cell<usize> = const { Cell::new(0) };
}

// ANCHOR: pool
/// A fixed number of named worker threads (`pool-worker-0`, ...) taking jobs
/// from one channel.
#[derive(Debug)]
pub struct ThreadPool {
    id: usize,
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
    panics: Arc<AtomicUsize>,
}

impl ThreadPool {
    /// Starts `size` worker threads (at least one).
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0, "a pool needs at least one worker");
        let (jobs, queue) = unbounded::<Job>();
        let panics = Arc::new(AtomicUsize::new(0));
        let pool_id = NEXT_POOL_ID.fetch_add(1, Ordering::Relaxed);
        let workers = (0..size)
            .map(|id| {
                let queue = queue.clone();
                let panics = Arc::clone(&panics);
                thread::Builder::new()
                    .name(format!("pool-worker-{id}"))
                    .spawn(move || {
                        WORKER_OF.set(pool_id);
                        // Ends when the pool drops the Sender and the queue is empty.
                        for job in queue {
                            if catch_unwind(AssertUnwindSafe(job)).is_err() {
                                panics.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    })
                    .expect("could not spawn a pool worker")
            })
            .collect();
        ThreadPool {
            id: pool_id,
            jobs: Some(jobs),
            workers,
            panics,
        }
    }
    // ANCHOR_END: pool

    /// How many worker threads the pool has.
    pub fn size(&self) -> usize {
        self.workers.len()
    }

    // ANCHOR: execute
    /// Runs `job` on some worker. A panic in it is caught and counted (see
    /// [`panics`](ThreadPool::panics)); the worker goes on with the next job.
    pub fn execute<F: FnOnce() + Send + 'static>(&self, job: F) {
        self.jobs
            .as_ref()
            .expect("the Sender lives until drop")
            .send(Box::new(job))
            .expect("the workers live until drop");
    }

    /// How many jobs given to [`execute`](ThreadPool::execute) have panicked.
    pub fn panics(&self) -> usize {
        self.panics.load(Ordering::Relaxed)
    }
    // ANCHOR_END: execute

    // ANCHOR: map
    /// Applies `task` to every item on the workers and returns the results in
    /// input order. The items go out in chunks, Python's chunk size
    /// ([`python_chunksize`]): one job, one channel message and one `Arc`
    /// clone per chunk, not per item. If the task panics, the error names the
    /// first item (in input order) that panicked, with its message; every
    /// other item still ran, and the pool is fine.
    ///
    /// Called from one of this pool's own jobs, it runs the items right there,
    /// on the calling worker: waiting for the other workers could mean
    /// waiting for itself (see [`in_one_of_my_workers`](Self::in_one_of_my_workers)).
    pub fn map<T, U, F>(&self, task: F, items: Vec<T>) -> Result<Vec<U>, TaskPanicked>
    where
        T: Send + 'static,
        U: Send + 'static,
        F: Fn(T) -> U + Send + Sync + 'static,
    {
        if self.in_one_of_my_workers() {
            return run_chunk(&task, 0, items);
        }
        // ANCHOR: send_chunks
        let task = Arc::new(task);
        let (results, arrivals) = unbounded();
        let count = items.len();
        let chunksize = python_chunksize(count, self.size()).max(1);
        let mut items = items.into_iter();
        let mut chunks = 0;
        loop {
            let chunk: Vec<T> = items.by_ref().take(chunksize).collect();
            if chunk.is_empty() {
                break;
            }
            let (number, first) = (chunks, chunks * chunksize);
            chunks += 1;
            let task = Arc::clone(&task);
            let results = results.clone();
            self.execute(move || {
                let _ = results.send((number, run_chunk(&*task, first, chunk)));
            });
        }
        drop(results); // the loop below ends when the last job's copy is gone
        // ANCHOR_END: send_chunks
        // ANCHOR: collect_in_order
        let mut done: Vec<Option<Vec<U>>> = (0..chunks).map(|_| None).collect();
        let mut first_panic: Option<TaskPanicked> = None;
        for (number, outcome) in arrivals {
            match outcome {
                Ok(results) => done[number] = Some(results),
                Err(panic) if first_panic.as_ref().is_none_or(|p| panic.index < p.index) => {
                    first_panic = Some(panic);
                }
                Err(_) => {}
            }
        }
        if let Some(panic) = first_panic {
            return Err(panic);
        }
        let mut in_order = Vec::with_capacity(count);
        for results in done {
            in_order.extend(results.expect("every job sends its chunk's results"));
        }
        Ok(in_order)
        // ANCHOR_END: collect_in_order
    }
    // ANCHOR_END: map

    // ANCHOR: nested
    /// True on the threads of this pool. A `map` called there cannot hand its
    /// chunks to the workers and wait: with one worker, the chunks would
    /// queue behind the very job that waits for them; with `n`, `n` jobs that
    /// each call `map` take every worker and wait for ever. rayon avoids it
    /// the same way, by running nested work on the thread that asks for it.
    pub fn in_one_of_my_workers(&self) -> bool {
        WORKER_OF.get() == self.id
    }
    // ANCHOR_END: nested
}

// ANCHOR: run_chunk
/// One job of [`ThreadPool::map`]: `task` on every item of a chunk whose
/// first item is number `first` in the input. Each item has its own
/// `catch_unwind`, so a panic costs that item only: the rest of the chunk
/// still runs, and the first panic is reported.
fn run_chunk<T, U>(
    task: &impl Fn(T) -> U,
    first: usize,
    chunk: Vec<T>,
) -> Result<Vec<U>, TaskPanicked> {
    let mut results = Vec::with_capacity(chunk.len());
    let mut panicked = None;
    for (offset, item) in chunk.into_iter().enumerate() {
        match catch_unwind(AssertUnwindSafe(|| task(item))) {
            Ok(result) => results.push(result),
            Err(panic) if panicked.is_none() => {
                panicked = Some(TaskPanicked {
                    index: first + offset,
                    message: panic_message(panic.as_ref()),
                });
            }
            Err(_) => {}
        }
    }
    panicked.map_or(Ok(results), Err)
}
// ANCHOR_END: run_chunk

// ANCHOR: drop
impl Drop for ThreadPool {
    /// Graceful shutdown: close the channel, let the workers finish every job
    /// already queued, and join them.
    ///
    /// The last handle may be dropped inside one of the pool's own jobs (a
    /// job that held an `Arc` of the pool). That worker cannot join itself:
    /// it joins the others and lets go of its own handle, which detaches its
    /// thread. The thread finishes the job, finds the channel closed and
    /// empty, and ends on its own.
    fn drop(&mut self) {
        drop(self.jobs.take());
        let me = thread::current().id();
        for worker in self.workers.drain(..) {
            if worker.thread().id() == me {
                continue; // dropping a JoinHandle detaches its thread
            }
            // Jobs' panics are caught, so a worker only ends by returning.
            let _ = worker.join();
        }
    }
}
// ANCHOR_END: drop

/// The task of [`ThreadPool::map`] panicked on the item at `index`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the task panicked on item {index}: {message}")]
pub struct TaskPanicked {
    pub index: usize,
    pub message: String,
}
