//! WRONG: waits for the workers by checking a shared counter in a `thread::sleep` loop
//! EXPECT: polls
//! CLAUSE: 4
//!
//! What a Python programmer writes who does not know that `thread::scope`
//! joins its threads: each worker adds its sum to a shared total and counts
//! itself done, and the caller looks at the count every millisecond until
//! all of them are. The sums are right, but the caller wakes up a thousand
//! times a second for nothing and sees the last worker end up to a whole
//! period late. A `join` (or the end of the scope) sleeps until the thread
//! ends and costs nothing meanwhile.

use crate::demos::cpu::is_prime;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

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
    let total = AtomicU64::new(0);
    let finished = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut sum = 0;
                loop {
                    let start = next_block.fetch_add(block, Ordering::SeqCst);
                    if start >= limit {
                        break;
                    }
                    let end = start.saturating_add(block).min(limit);
                    sum += (start..end).map(&value).sum::<u64>();
                }
                total.fetch_add(sum, Ordering::SeqCst);
                finished.fetch_add(1, Ordering::SeqCst);
            });
        }
        // Wait until every worker has added its sum.
        while finished.load(Ordering::SeqCst) < threads {
            thread::sleep(Duration::from_millis(1));
        }
    });
    total.load(Ordering::SeqCst)
}

/// The sum of the primes below `limit`, computed on `threads` threads.
pub fn parallel_sum_of_primes(limit: u64, threads: usize) -> u64 {
    parallel_sum(limit, threads, 1_000, |n| if is_prime(n) { n } else { 0 })
}
