//! WRONG: stop spins on is_finished() instead of blocking in join
//! EXPECT: it is busy-waiting
//! CLAUSE: 2
//!
//! Python's `while t.is_alive(): pass`: the answer is right, but the thread
//! that waits keeps a core busy the whole time.

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
            Some(Ok(steps)) => steps,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => unreachable!("only stop and drop shut the worker down"),
        }
    }

    fn shut_down(&mut self) -> Option<thread::Result<u64>> {
        drop(self.stop_requests.take());
        let handle = self.handle.take()?;
        while !handle.is_finished() {
            std::hint::spin_loop();
        }
        Some(handle.join())
    }
}

impl Drop for StoppableWorker {
    fn drop(&mut self) {
        let _ = self.shut_down();
    }
}
