//! WRONG: stops only on a message, and the stop request is a dropped sender
//! EXPECT: the thread never noticed the stop request
//! CLAUSE: 3
//!
//! `while stop_received.try_recv().is_err()` reads as "while no stop
//! message". But `stop` drops the sender instead of sending, and `try_recv`
//! then fails with `Disconnected` on every call: to this loop, that means
//! "go on", for ever.

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
            while stop_received.try_recv().is_err() {
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
