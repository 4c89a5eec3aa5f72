//! WRONG: the last block is not cut at `limit`
//! EXPECT: at or past the limit
//! CLAUSE: 1
//!
//! The last block runs to `start + block`, adding numbers that are not
//! below `limit`.

use crate::demos::cpu::is_prime;
use std::sync::atomic::{AtomicU64, Ordering};
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
    let next_block = AtomicU64::new(0);
    let (next_block, value) = (&next_block, &value);
    thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut sum = 0;
                    loop {
                        let start = next_block.fetch_add(block, Ordering::Relaxed);
                        if start >= limit {
                            return sum;
                        }
                        let end = start + block;
                        sum += (start..end).map(value).sum::<u64>();
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    })
}

/// The sum of the primes below `limit`, computed on `threads` threads.
pub fn parallel_sum_of_primes(limit: u64, threads: usize) -> u64 {
    parallel_sum(limit, threads, 1_000, |n| if is_prime(n) { n } else { 0 })
}
