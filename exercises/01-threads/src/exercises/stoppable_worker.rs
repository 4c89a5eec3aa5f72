//! Exercise `stoppable_worker`: a thread that repeats a step until it is told
//! to stop, and that is never left running behind your back.

#![allow(unused_variables, dead_code)]

use std::thread::JoinHandle;

// ANCHOR: starter
/// A thread that calls `step` over and over until it is asked to stop.
///
/// `stop()` asks it to stop, waits for it, and returns how many times `step`
/// ran. Dropping a `StoppableWorker` without calling `stop()` also stops the
/// thread and waits for it: when the worker is gone, so is its thread.
pub struct StoppableWorker {
    // TODO: what does the thread need to learn that it should stop, and what
    // do you need to wait for it? Add those fields here.
    handle: Option<JoinHandle<u64>>,
}

impl StoppableWorker {
    /// Starts the thread. It calls `step` repeatedly, checking between two
    /// steps whether it was asked to stop.
    pub fn start<F>(step: F) -> StoppableWorker
    where
        F: FnMut() + Send + 'static,
    {
        // TODO: start the thread that repeats `step` until it is asked to stop.
        todo!("start a thread that calls step() until it is asked to stop")
    }

    /// Asks the thread to stop, waits for it, and returns how many times
    /// `step` ran. If `step` panicked, `stop` panics with the same message.
    pub fn stop(self) -> u64 {
        // TODO: ask the thread to stop, wait for it, report its steps.
        todo!("ask the thread to stop, wait for it, and return how many steps ran")
    }
}

impl Drop for StoppableWorker {
    /// Stops the thread and waits for it, if `stop` was not called. A panic
    /// of `step` is ignored here: `drop` has nowhere to report it.
    fn drop(&mut self) {
        // TODO: stop the thread and wait for it, unless `stop` already did.
    }
}
// ANCHOR_END: starter
