//! Exercise `ordered_results`: run `work(i)` for every `i` in `0..n`, each on
//! a thread of its own, and collect the results in input order.

#![allow(unused_variables)]

// ANCHOR: starter
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
    // TODO: run every work(i) on a thread of its own, all at the same time,
    // and return their results in input order.
    todo!("spawn a thread per index 0..n running work(i), then join the handles in order")
}
// ANCHOR_END: starter
