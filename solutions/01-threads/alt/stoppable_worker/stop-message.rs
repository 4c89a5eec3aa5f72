//! ALT: an explicit stop message, and the count kept outside the thread's return value

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, TryRecvError};
use std::thread::{self, JoinHandle};

/// A thread that calls `step` over and over until it is asked to stop.
pub struct StoppableWorker {
    stop_requests: mpsc::Sender<()>,
    steps: Arc<AtomicU64>,
    handle: Option<JoinHandle<u64>>,
}

impl StoppableWorker {
    /// Starts the thread.
    pub fn start<F>(mut step: F) -> StoppableWorker
    where
        F: FnMut() + Send + 'static,
    {
        let (stop_requests, stop_received) = mpsc::channel();
        let steps = Arc::new(AtomicU64::new(0));
        let count = Arc::clone(&steps);
        let handle = thread::spawn(move || {
            loop {
                match stop_received.try_recv() {
                    Ok(()) | Err(TryRecvError::Disconnected) => break,
                    Err(TryRecvError::Empty) => {}
                }
                step();
                count.fetch_add(1, Ordering::Relaxed);
            }
            count.load(Ordering::Relaxed)
        });
        StoppableWorker {
            stop_requests,
            steps,
            handle: Some(handle),
        }
    }

    /// Asks the thread to stop, waits for it, and returns how many times
    /// `step` ran.
    pub fn stop(mut self) -> u64 {
        let Some(handle) = self.handle.take() else {
            unreachable!("only stop and drop shut the worker down");
        };
        // The thread may have ended already (its step panicked): then the
        // message has nobody to go to, which is fine.
        let _ = self.stop_requests.send(());
        if let Err(panic) = handle.join() {
            std::panic::resume_unwind(panic);
        }
        self.steps.load(Ordering::Relaxed)
    }
}

impl Drop for StoppableWorker {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            let _ = self.stop_requests.send(());
            let _ = handle.join();
        }
    }
}
