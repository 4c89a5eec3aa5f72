//! WRONG: keeps the results of the workers that did not panic, silently
//! EXPECT: although worker 2 panicked
//! CLAUSE: 6
//!
//! `filter_map(|h| h.join().ok())` reads nicely and compiles; a panicking
//! worker just disappears from the results, and every later result moves up
//! one place.

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
        .filter_map(|handle| handle.join().ok())
        .collect()
}
