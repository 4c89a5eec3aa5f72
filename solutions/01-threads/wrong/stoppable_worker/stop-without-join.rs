//! WRONG: stop sets the flag and returns a shared count, without waiting
//! EXPECT: must wait for the thread (join it)
//!
//! With the count in an `Arc<AtomicU64>`, `stop` does not need `join` to get
//! it, so it skips the join: the thread may still be in the middle of a
//! step, and a panic of `step` is never seen.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;

/// A thread that calls `step` over and over until it is asked to stop.
pub struct StoppableWorker {
    stop_requested: Arc<AtomicBool>,
    steps: Arc<AtomicU64>,
}

impl StoppableWorker {
    /// Starts the thread.
    pub fn start<F>(mut step: F) -> StoppableWorker
    where
        F: FnMut() + Send + 'static,
    {
        let stop_requested = Arc::new(AtomicBool::new(false));
        let steps = Arc::new(AtomicU64::new(0));
        let (flag, count) = (Arc::clone(&stop_requested), Arc::clone(&steps));
        thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                step();
                count.fetch_add(1, Ordering::Relaxed);
            }
        });
        StoppableWorker {
            stop_requested,
            steps,
        }
    }

    /// Asks the thread to stop, waits for it, and returns how many times
    /// `step` ran.
    pub fn stop(self) -> u64 {
        self.stop_requested.store(true, Ordering::Relaxed);
        self.steps.load(Ordering::Relaxed)
    }
}

impl Drop for StoppableWorker {
    fn drop(&mut self) {
        self.stop_requested.store(true, Ordering::Relaxed);
    }
}
