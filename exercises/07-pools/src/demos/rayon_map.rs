//! `Pool.map(square, numbers)` in one line of rayon.

use rayon::prelude::*;

use super::tasks::square;

// ANCHOR: par_map
/// Squares every number on rayon's global pool (one thread per core),
/// results in input order.
pub fn par_squares(numbers: &[u64]) -> Vec<u64> {
    numbers.par_iter().map(|&x| square(x)).collect()
}
// ANCHOR_END: par_map

// ANCHOR: own_pool
/// The same on a pool of exactly `threads` threads, for comparison with the
/// other pools (rayon's global pool has one thread per core).
pub fn par_map_on<T, U>(threads: usize, task: impl Fn(&T) -> U + Sync + Send, items: &[T]) -> Vec<U>
where
    T: Sync,
    U: Send,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("rayon-{i}"))
        .build()
        .expect("could not start rayon's threads");
    pool.install(|| items.par_iter().map(task).collect())
}
// ANCHOR_END: own_pool
