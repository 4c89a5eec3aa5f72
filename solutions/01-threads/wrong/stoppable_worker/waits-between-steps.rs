//! WRONG: the thread blocks in recv() between two steps
//! EXPECT: saw only 1 of 4 steps
//! CLAUSE: 1
//!
//! `recv()` waits for a message, so the worker runs one step and then sleeps
//! until it is told to stop: `try_recv()` would only have looked.

use std::sync::mpsc;
use std::thread::{self, JoinHandle};

/// A thread that calls `step` over and over until it is asked to stop.
pub struct StoppableWorker {
    stop_requests: Option<mpsc::Sender<()>>,
    handle: Option<JoinHandle<u64>>,
}

impl StoppableWorker {
    /// Starts the thread.
    pub fn start<F>(mut step: F) -> StoppableWorker
    where
        F: FnMut() + Send + 'static,
    {
        let (stop_requests, stop_received) = mpsc::channel::<()>();
        let handle = thread::spawn(move || {
            let mut steps = 0;
            loop {
                step();
                steps += 1;
                if stop_received.recv().is_err() {
                    break;
                }
            }
            steps
        });
        StoppableWorker {
            stop_requests: Some(stop_requests),
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
        drop(self.stop_requests.take());
        self.handle.take().map(JoinHandle::join)
    }
}

impl Drop for StoppableWorker {
    fn drop(&mut self) {
        let _ = self.shut_down();
    }
}
