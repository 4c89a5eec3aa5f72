//! WRONG: a lazy iterator chains spawn straight into join
//! EXPECT: Did you join each thread right after spawning it?
//! CLAUSE: 1
//!
//! `tasks.into_iter().map(thread::spawn).map(|h| h.join())` looks like "spawn
//! them all, then join them all", but iterators are lazy: each task is
//! spawned, then joined, before the next one is spawned.

use std::thread;

use crate::demos::results::panic_message;

/// A task to run on a thread of its own.
pub type Task<T> = Box<dyn FnOnce() -> T + Send + 'static>;

/// Runs every task on its own thread, all at the same time, and returns what
/// each one produced, in the order of `tasks`.
pub fn run_overlapping<T: Send + 'static>(tasks: Vec<Task<T>>) -> Vec<Result<T, String>> {
    tasks
        .into_iter()
        .map(thread::spawn)
        .map(|handle| {
            handle
                .join()
                .map_err(|payload| panic_message(payload.as_ref()))
        })
        .collect()
}
