//! ALT: scoped threads, each turning its own panic into a message

use std::thread;

use crate::demos::results::panic_message;

/// A task to run on a thread of its own.
pub type Task<T> = Box<dyn FnOnce() -> T + Send + 'static>;

/// Runs every task on its own thread, all at the same time, and returns what
/// each one produced, in the order of `tasks`.
pub fn run_overlapping<T: Send + 'static>(tasks: Vec<Task<T>>) -> Vec<Result<T, String>> {
    thread::scope(|scope| {
        let handles: Vec<_> = tasks.into_iter().map(|task| scope.spawn(task)).collect();
        let mut results = Vec::with_capacity(handles.len());
        for handle in handles {
            results.push(
                handle
                    .join()
                    .map_err(|payload| panic_message(payload.as_ref())),
            );
        }
        results
    })
}
