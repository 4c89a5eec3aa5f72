//! ALT: an Arc<AtomicBool> stop flag instead of a channel

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
        match self.shut_down() {
            Some(Ok(steps)) => steps,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => unreachable!("only stop and drop shut the worker down"),
        }
    }

    fn shut_down(&mut self) -> Option<thread::Result<u64>> {
        let handle = self.handle.take()?;
        self.stop_requested.store(true, Ordering::Relaxed);
        Some(handle.join())
    }
}

impl Drop for StoppableWorker {
    fn drop(&mut self) {
        let _ = self.shut_down();
    }
}
