//! WRONG: Drop asks the thread to stop but does not wait for it
//! EXPECT: the worker's thread was still running after drop returned
//! CLAUSE: 3
//!
//! Setting the flag is only half of stopping: the thread may be in the
//! middle of a step, and goes on after `drop` has returned.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};

/// A thread that calls `step` over and over until it is asked to stop.
pub struct StoppableWorker {
    stop_requested: Arc<AtomicBool>,
    handle: Option<JoinHandle<u64>>,
}

impl StoppableWorker {
    /// Starts the thread.
    pub fn start<F>(mut step: F) -> StoppableWorker
    where
        F: FnMut() + Send + 'static,
    {
        let stop_requested = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop_requested);
        let handle = thread::spawn(move || {
            let mut steps = 0;
            while !flag.load(Ordering::Relaxed) {
                step();
                steps += 1;
            }
            steps
        });
        StoppableWorker {
            stop_requested,
            handle: Some(handle),
        }
    }

    /// Asks the thread to stop, waits for it, and returns how many times
    /// `step` ran.
    pub fn stop(mut self) -> u64 {
        self.stop_requested.store(true, Ordering::Relaxed);
        let handle = self.handle.take().expect("stop runs once");
        match handle.join() {
            Ok(steps) => steps,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

impl Drop for StoppableWorker {
    fn drop(&mut self) {
        self.stop_requested.store(true, Ordering::Relaxed);
    }
}
