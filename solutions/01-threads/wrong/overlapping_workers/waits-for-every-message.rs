//! WRONG: waits for one message per task, and a panicking task never sends one
//! EXPECT: the panicking task's never comes
//! CLAUSE: 3
//!
//! Each thread sends `(index, value)` on a channel and the caller receives
//! `tasks.len()` messages. The caller still holds a `Sender`, so after a task
//! panicked, `recv` waits for ever for the message that never comes.

use std::sync::mpsc;
use std::thread;

/// A task to run on a thread of its own.
pub type Task<T> = Box<dyn FnOnce() -> T + Send + 'static>;

/// Runs every task on its own thread, all at the same time, and returns what
/// each one produced, in the order of `tasks`.
pub fn run_overlapping<T: Send + 'static>(tasks: Vec<Task<T>>) -> Vec<Result<T, String>> {
    let count = tasks.len();
    let (sender, receiver) = mpsc::channel();
    for (i, task) in tasks.into_iter().enumerate() {
        let sender = sender.clone();
        thread::spawn(move || {
            let value = task();
            let _ = sender.send((i, value));
        });
    }
    let mut results: Vec<Option<Result<T, String>>> = (0..count).map(|_| None).collect();
    for _ in 0..count {
        let (i, value) = receiver.recv().unwrap();
        results[i] = Some(Ok(value));
    }
    results
        .into_iter()
        .map(|slot| slot.unwrap_or_else(|| Err("the task panicked".to_string())))
        .collect()
}
