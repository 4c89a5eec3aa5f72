//! ALT: each thread catches its task's panic and sends (index, outcome) on a channel

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::thread;

use crate::demos::results::panic_message;

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
            let outcome = catch_unwind(AssertUnwindSafe(task))
                .map_err(|payload| panic_message(payload.as_ref()));
            // The caller receives until every sender is gone: this cannot fail.
            let _ = sender.send((i, outcome));
        });
    }
    // Every thread has its own sender; once they are all gone, the loop ends.
    drop(sender);
    let mut slots: Vec<Option<Result<T, String>>> = (0..count).map(|_| None).collect();
    for (i, outcome) in receiver {
        slots[i] = Some(outcome);
    }
    slots
        .into_iter()
        .map(|slot| slot.expect("every thread sends its outcome before it ends"))
        .collect()
}
