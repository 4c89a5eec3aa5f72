//! WRONG: `catch_unwind` around each job: the message is recorded, the worker lives on
//! EXPECT: the thread whose job panicked still runs jobs
//! CLAUSE: 2
//!
//! The chapter's `ThreadPool` does exactly this, so it is the first thing a
//! student tries. It keeps the worker count, but the exercise asks for the
//! opposite: a panicking job may leave its thread's state broken
//! (thread-locals, a half-updated cache), so the thread must go.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Sender, unbounded};

use crate::demos::process_pool::panic_message;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed number of worker threads that survive their jobs' panics.
pub struct PanicSafePool {
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
    panics: Arc<Mutex<Vec<String>>>,
}

impl PanicSafePool {
    /// Starts `size` workers (at least one).
    pub fn new(size: usize) -> PanicSafePool {
        assert!(size > 0, "a pool needs at least one worker");
        let (jobs, queue) = unbounded::<Job>();
        let panics = Arc::new(Mutex::new(Vec::new()));
        let workers = (0..size)
            .map(|_| {
                let queue = queue.clone();
                let panics = Arc::clone(&panics);
                thread::spawn(move || {
                    for job in queue {
                        if let Err(payload) = catch_unwind(AssertUnwindSafe(job)) {
                            let message = panic_message(payload.as_ref());
                            panics.lock().unwrap().push(message);
                        }
                    }
                })
            })
            .collect();
        PanicSafePool {
            jobs: Some(jobs),
            workers,
            panics,
        }
    }

    /// Runs `job` on some worker.
    pub fn execute<F: FnOnce() + Send + 'static>(&self, job: F) {
        self.jobs.as_ref().unwrap().send(Box::new(job)).unwrap();
    }

    /// The messages of the jobs that panicked so far.
    pub fn panics(&self) -> Vec<String> {
        self.panics.lock().unwrap().clone()
    }
}

impl Drop for PanicSafePool {
    fn drop(&mut self) {
        drop(self.jobs.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
