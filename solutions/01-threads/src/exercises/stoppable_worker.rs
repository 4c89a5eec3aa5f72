//! Solution of `stoppable_worker`.

use std::sync::mpsc::{self, TryRecvError};
use std::thread::{self, JoinHandle};

// ANCHOR: solution
/// A thread that calls `step` over and over until it is asked to stop.
///
/// `stop()` asks it to stop, waits for it, and returns how many times `step`
/// ran. Dropping a `StoppableWorker` without calling `stop()` also stops the
/// thread and waits for it: when the worker is gone, so is its thread.
pub struct StoppableWorker {
    // Sending on (or dropping) this sender tells the thread to stop. An
    // Option, so that `shut_down` can drop it before joining.
    stop_requests: Option<mpsc::Sender<()>>,
    // An Option, so that `stop` and `drop` can take the handle out: `join`
    // consumes it, and `drop` only gets `&mut self`.
    handle: Option<JoinHandle<u64>>,
}

impl StoppableWorker {
    /// Starts the thread. It calls `step` repeatedly, checking between two
    /// steps whether it was asked to stop.
    pub fn start<F>(mut step: F) -> StoppableWorker
    where
        F: FnMut() + Send + 'static,
    {
        let (stop_requests, stop_received) = mpsc::channel::<()>();
        let handle = thread::spawn(move || {
            let mut steps = 0;
            // Empty: nobody asked yet. A message, or a dropped sender
            // (Disconnected), both mean stop.
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
    /// `step` ran. If `step` panicked, `stop` panics with the same message.
    pub fn stop(mut self) -> u64 {
        match self.shut_down() {
            Some(Ok(steps)) => steps,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => unreachable!("only stop and drop shut the worker down"),
        }
    }

    /// Sends the stop request and joins the thread, once.
    fn shut_down(&mut self) -> Option<thread::Result<u64>> {
        // Dropping the sender is the request: the thread's next try_recv
        // sees Disconnected.
        drop(self.stop_requests.take());
        self.handle.take().map(JoinHandle::join)
    }
}

impl Drop for StoppableWorker {
    /// Stops the thread and waits for it, if `stop` was not called. A panic
    /// of `step` is ignored here: `drop` has nowhere to report it.
    fn drop(&mut self) {
        let _ = self.shut_down();
    }
}
// ANCHOR_END: solution
