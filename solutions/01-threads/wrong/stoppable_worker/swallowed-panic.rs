//! WRONG: stop returns 0 when the step panicked, instead of panicking
//! EXPECT: although step() panicked
//! CLAUSE: 4
//!
//! `join().unwrap_or(0)` keeps `stop` from panicking, and hides the failure:
//! the caller cannot tell "the step panicked" from "no step ran".

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
            while let Err(TryRecvError::Empty) = stop_received.try_recv() {
                step();
                steps += 1;
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
            Some(outcome) => outcome.unwrap_or(0),
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
