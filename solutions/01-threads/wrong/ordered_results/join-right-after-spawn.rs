//! WRONG: joins each thread right after spawning it
//! EXPECT: Did you join each thread right after spawning it?
//! CLAUSE: 3
//!
//! The results come back in the right order, so it looks fine; but each
//! worker runs alone while the caller waits for it, and the workers never
//! run at the same time.

use std::thread;

/// Runs `work(0)`, `work(1)`, ..., `work(n - 1)`, each on its own new thread,
/// and returns the results in that order.
pub fn spawn_workers<T, F>(n: usize, work: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Clone + 'static,
{
    let mut results = Vec::with_capacity(n);
    for i in 0..n {
        let work = work.clone();
        let handle = thread::spawn(move || work(i));
        let result = handle
            .join()
            .unwrap_or_else(|_| panic!("worker {i} panicked"));
        results.push(result);
    }
    results
}
