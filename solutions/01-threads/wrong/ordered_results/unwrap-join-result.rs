//! WRONG: unwraps the result of join, so the panic does not say which worker
//! EXPECT: the message must start with "worker 2 panicked"
//! CLAUSE: 6
//!
//! `join().unwrap()` does panic when a worker panicked, but with
//! "called `Result::unwrap()` on an `Err` value: Any { .. }", which tells the
//! caller nothing about which worker failed.

use std::thread;

/// Runs `work(0)`, `work(1)`, ..., `work(n - 1)`, each on its own new thread,
/// and returns the results in that order.
pub fn spawn_workers<T, F>(n: usize, work: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Clone + 'static,
{
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let work = work.clone();
            thread::spawn(move || work(i))
        })
        .collect();
    handles
        .into_iter()
        .map(|handle| handle.join().unwrap())
        .collect()
}
