//! ALT: scoped threads instead of 'static JoinHandles

use std::thread;

/// Runs `work(0)`, `work(1)`, ..., `work(n - 1)`, each on its own new thread,
/// and returns the results in that order.
pub fn spawn_workers<T, F>(n: usize, work: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Clone + 'static,
{
    thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let work = work.clone();
                scope.spawn(move || work(i))
            })
            .collect();
        let mut results = Vec::with_capacity(n);
        for (i, handle) in handles.into_iter().enumerate() {
            match handle.join() {
                Ok(value) => results.push(value),
                Err(_) => panic!("worker {i} panicked"),
            }
        }
        results
    })
}
