//! WRONG: counts a step before checking whether to stop, so one too many
//! EXPECT: stop() returned
//! CLAUSE: 2
//!
//! The count goes up at the top of the loop, before the check that ends it:
//! the last turn counts a step that never ran.

use std::sync::mpsc::{self, TryRecvError};
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
                steps += 1;
                if let Err(TryRecvError::Disconnected) = stop_received.try_recv() {
                    break;
                }
                step();
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
