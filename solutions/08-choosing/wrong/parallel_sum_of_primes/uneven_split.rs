//! WRONG: split up front into `limit / threads` numbers per thread, the remainder forgotten
//! EXPECT: split up front
//! CLAUSE: 3
//!
//! Integer division rounds down: with 4 threads and 10 numbers, each takes
//! 2, and 8 and 9 are never added.

use crate::demos::cpu::is_prime;
use std::thread;

/// Adds up `value(n)` for every `n` in `0..limit` on `threads` scoped
/// threads that take blocks of `block` numbers from a shared counter.
pub fn parallel_sum<F>(limit: u64, threads: usize, block: u64, value: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(threads > 0, "parallel_sum needs at least one thread");
    assert!(
        block > 0,
        "parallel_sum needs at least one number per block"
    );
    let share = limit / threads as u64;
    let value = &value;
    thread::scope(|s| {
        let workers: Vec<_> = (0..threads as u64)
            .map(|t| s.spawn(move || (t * share..(t + 1) * share).map(value).sum::<u64>()))
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    })
}

/// The sum of the primes below `limit`, computed on `threads` threads.
pub fn parallel_sum_of_primes(limit: u64, threads: usize) -> u64 {
    parallel_sum(limit, threads, 1_000, |n| if is_prime(n) { n } else { 0 })
}
