//! WRONG: each task's thread pushes its value into a shared Vec as it finishes
//! EXPECT: whichever thread finishes first decides it
//! CLAUSE: 2
//!
//! The values all come back, and so do the panics (added when the handles
//! are joined), but in the order the threads finished, not the task order.

use std::sync::{Arc, Mutex};
use std::thread;

use crate::demos::results::panic_message;

/// A task to run on a thread of its own.
pub type Task<T> = Box<dyn FnOnce() -> T + Send + 'static>;

/// Runs every task on its own thread, all at the same time, and returns what
/// each one produced, in the order of `tasks`.
pub fn run_overlapping<T: Send + 'static>(tasks: Vec<Task<T>>) -> Vec<Result<T, String>> {
    let results = Arc::new(Mutex::new(Vec::new()));
    let handles: Vec<_> = tasks
        .into_iter()
        .map(|task| {
            let results = Arc::clone(&results);
            thread::spawn(move || {
                let value = task();
                results.lock().unwrap().push(Ok(value));
            })
        })
        .collect();
    for handle in handles {
        if let Err(payload) = handle.join() {
            let message = panic_message(payload.as_ref());
            results.lock().unwrap().push(Err(message));
        }
    }
    let mut results = results.lock().unwrap();
    std::mem::take(&mut *results)
}
