//! WRONG: each thread is joined right after it is spawned
//! EXPECT: one after the other
//! CLAUSE: 2
//!
//! `map(spawn).map(join)` in one iterator chain looks like "spawn them all,
//! then join", but iterators are lazy: each thread is joined before the
//! next one is spawned, so they run one at a time.

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
        (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut sum = 0;
                    loop {
                        let start = next_block.fetch_add(block, Ordering::Relaxed);
                        if start >= limit {
                            return sum;
                        }
                        let end = (start + block).min(limit);
                        sum += (start..end).map(value).sum::<u64>();
                    }
                })
            })
            .map(|w| w.join().unwrap())
            .sum()
    })
}

/// The sum of the primes below `limit`, computed on `threads` threads.
pub fn parallel_sum_of_primes(limit: u64, threads: usize) -> u64 {
    parallel_sum(limit, threads, 1_000, |n| if is_prime(n) { n } else { 0 })
}
