//! WRONG: each worker pushes its result into a shared Vec as it finishes
//! EXPECT: whichever thread finishes first decides it
//! CLAUSE: 2
//!
//! Python's `results.append(...)` from each thread, written in Rust: the
//! results are all there, but in the order the threads happened to finish.

use std::sync::{Arc, Mutex};
use std::thread;

/// Runs `work(0)`, `work(1)`, ..., `work(n - 1)`, each on its own new thread,
/// and returns the results in that order.
pub fn spawn_workers<T, F>(n: usize, work: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Clone + 'static,
{
    let results = Arc::new(Mutex::new(Vec::with_capacity(n)));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let work = work.clone();
            let results = Arc::clone(&results);
            thread::spawn(move || {
                let value = work(i);
                results.lock().unwrap().push(value);
            })
        })
        .collect();
    for (i, handle) in handles.into_iter().enumerate() {
        handle
            .join()
            .unwrap_or_else(|_| panic!("worker {i} panicked"));
    }
    let mut results = results.lock().unwrap();
    std::mem::take(&mut *results)
}
