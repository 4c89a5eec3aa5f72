//! WRONG: reads the panic message only from a &str payload
//! EXPECT: whose payload is a String (a formatted message)
//! CLAUSE: 3
//!
//! `panic!("disk full")` carries a `&'static str`, but `panic!("disk {} full",
//! 3)` carries a `String`; a single `downcast_ref::<&str>()` misses it.

use std::thread;

/// A task to run on a thread of its own.
pub type Task<T> = Box<dyn FnOnce() -> T + Send + 'static>;

/// Runs every task on its own thread, all at the same time, and returns what
/// each one produced, in the order of `tasks`.
pub fn run_overlapping<T: Send + 'static>(tasks: Vec<Task<T>>) -> Vec<Result<T, String>> {
    let handles: Vec<_> = tasks.into_iter().map(thread::spawn).collect();
    handles
        .into_iter()
        .map(|handle| {
            handle
                .join()
                .map_err(|payload| match payload.downcast_ref::<&str>() {
                    Some(message) => message.to_string(),
                    None => "the task panicked".to_string(),
                })
        })
        .collect()
}
