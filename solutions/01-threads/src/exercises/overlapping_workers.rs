//! Solution of `overlapping_workers`.

use std::thread;

use crate::demos::results::panic_message;

/// A task to run on a thread of its own.
pub type Task<T> = Box<dyn FnOnce() -> T + Send + 'static>;

// ANCHOR: solution
/// Runs every task on its own thread, all at the same time, and returns what
/// each one produced, in the order of `tasks`.
///
/// All tasks must be running at once: a task may wait for the others (as the
/// tests' tasks do), so none may have to finish before the next one starts.
///
/// A task that panics does not stop the others: its entry is
/// `Err(message)`, where `message` is the text of the panic.
pub fn run_overlapping<T: Send + 'static>(tasks: Vec<Task<T>>) -> Vec<Result<T, String>> {
    // `collect` matters: it runs the whole `map`, so every thread is spawned
    // before the first `join` below. A lazy iterator chained straight into
    // `join` would spawn one thread, wait for it, then spawn the next.
    let handles: Vec<_> = tasks.into_iter().map(thread::spawn).collect();
    handles
        .into_iter()
        .map(|handle| {
            handle
                .join()
                .map_err(|payload| panic_message(payload.as_ref()))
        })
        .collect()
}
// ANCHOR_END: solution
