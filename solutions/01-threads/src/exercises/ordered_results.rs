//! Solution of `ordered_results`.

use std::thread;

// ANCHOR: solution
/// Runs `work(0)`, `work(1)`, ..., `work(n - 1)`, each on its own new thread,
/// and returns the results in that order: `result[i] == work(i)`, whichever
/// thread happened to finish first. The workers run at the same time: a
/// worker may wait for another one, so none may have to finish before the
/// next one starts.
///
/// With `n == 0` it starts no thread and returns an empty `Vec`.
///
/// If `work(i)` panics, `spawn_workers` panics too, with a message that
/// starts with `worker {i} panicked`.
pub fn spawn_workers<T, F>(n: usize, work: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Clone + 'static,
{
    // Spawn them all first, so that they run at the same time...
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let work = work.clone();
            thread::spawn(move || work(i))
        })
        .collect();
    // ...then join in input order: the Vec of handles is what keeps the order,
    // not the order in which the threads finish.
    handles
        .into_iter()
        .enumerate()
        .map(|(i, handle)| {
            handle
                .join()
                .unwrap_or_else(|_| panic!("worker {i} panicked"))
        })
        .collect()
}
// ANCHOR_END: solution
