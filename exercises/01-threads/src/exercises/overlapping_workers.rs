//! Exercise `overlapping_workers`: run a batch of tasks so that they are all
//! running at the same time, and report each one's result or panic.

#![allow(unused_variables)]

// ANCHOR: starter
/// A task to run on a thread of its own.
pub type Task<T> = Box<dyn FnOnce() -> T + Send + 'static>;

/// Runs every task on its own thread, all at the same time, and returns what
/// each one produced, in the order of `tasks`.
///
/// All tasks must be running at once: a task may wait for the others (as the
/// tests' tasks do), so none may have to finish before the next one starts.
///
/// A task that panics does not stop the others: its entry is
/// `Err(message)`, where `message` is the text of the panic (for example
/// `"disk full"` after `panic!("disk full")`, or the formatted text after
/// `panic!("disk {} full", 3)`).
pub fn run_overlapping<T: Send + 'static>(tasks: Vec<Task<T>>) -> Vec<Result<T, String>> {
    // TODO: run all the tasks at once, each on its own thread, and return
    // each one's value, or its panic message, in task order.
    todo!("run every task on its own thread, all at once, and return their results in task order")
}
// ANCHOR_END: starter
