//! WRONG: unwraps the result of join, so one panicking task stops everything
//! EXPECT: a task's panic must come back as its Err entry
//! CLAUSE: 3
//!
//! `join().unwrap()` re-panics in the caller: the other tasks' results are
//! lost, and the caller gets a panic instead of a Vec.

use std::thread;

/// A task to run on a thread of its own.
pub type Task<T> = Box<dyn FnOnce() -> T + Send + 'static>;

/// Runs every task on its own thread, all at the same time, and returns what
/// each one produced, in the order of `tasks`.
pub fn run_overlapping<T: Send + 'static>(tasks: Vec<Task<T>>) -> Vec<Result<T, String>> {
    let handles: Vec<_> = tasks.into_iter().map(thread::spawn).collect();
    handles
        .into_iter()
        .map(|handle| Ok(handle.join().unwrap()))
        .collect()
}
