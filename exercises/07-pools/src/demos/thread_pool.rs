//! A thread pool: the Rust Book's (chapter 21), on crossbeam-channel, with
//! results back in input order and panics reported instead of killing
//! workers.
//!
//! Threads share memory, so nothing is serialized: a job is a boxed closure
//! moved through a channel, and `map` takes any closure, captures included.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Sender, unbounded};

use super::process_pool::panic_message;

/// Work for a worker thread: any closure that can move to another thread.
type Job = Box<dyn FnOnce() + Send + 'static>;

// ANCHOR: pool
/// A fixed number of named worker threads (`pool-worker-0`, ...) taking jobs
/// from one channel.
#[derive(Debug)]
pub struct ThreadPool {
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
        let workers = (0..size)
            .map(|id| {
                let queue = queue.clone();
                let panics = Arc::clone(&panics);
                thread::Builder::new()
                    .name(format!("pool-worker-{id}"))
                    .spawn(move || {
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
    /// input order. If the task panics, the error names the first item (in
    /// input order) that panicked, with its message; every other item still
    /// ran, and the pool is fine.
    pub fn map<T, U, F>(&self, task: F, items: Vec<T>) -> Result<Vec<U>, TaskPanicked>
    where
        T: Send + 'static,
        U: Send + 'static,
        F: Fn(T) -> U + Send + Sync + 'static,
    {
        let task = Arc::new(task);
        let (results, arrivals) = unbounded();
        let count = items.len();
        for (index, item) in items.into_iter().enumerate() {
            let task = Arc::clone(&task);
            let results = results.clone();
            self.execute(move || {
                let outcome = catch_unwind(AssertUnwindSafe(|| task(item)));
                let outcome = outcome.map_err(|panic| panic_message(panic.as_ref()));
                let _ = results.send((index, outcome));
            });
        }
        drop(results); // the loop below ends when the last job's copy is gone
        let mut slots: Vec<Option<U>> = (0..count).map(|_| None).collect();
        let mut first_panic: Option<TaskPanicked> = None;
        for (index, outcome) in arrivals {
            match outcome {
                Ok(result) => slots[index] = Some(result),
                Err(message) if first_panic.as_ref().is_none_or(|p| index < p.index) => {
                    first_panic = Some(TaskPanicked { index, message });
                }
                Err(_) => {}
            }
        }
        match first_panic {
            Some(panic) => Err(panic),
            None => Ok(slots
                .into_iter()
                .map(|slot| slot.expect("every job sends its result"))
                .collect()),
        }
    }
    // ANCHOR_END: map
}

// ANCHOR: drop
impl Drop for ThreadPool {
    /// Graceful shutdown: close the channel, let the workers finish every job
    /// already queued, and join them.
    fn drop(&mut self) {
        drop(self.jobs.take());
        for worker in self.workers.drain(..) {
            // Jobs' panics are caught, so a worker only ends by returning.
            let _ = worker.join();
        }
    }
}
// ANCHOR_END: drop

/// The task of [`ThreadPool::map`] panicked on the item at `index`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskPanicked {
    pub index: usize,
    pub message: String,
}

impl std::fmt::Display for TaskPanicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the task panicked on item {}: {}",
            self.index, self.message
        )
    }
}

impl std::error::Error for TaskPanicked {}
