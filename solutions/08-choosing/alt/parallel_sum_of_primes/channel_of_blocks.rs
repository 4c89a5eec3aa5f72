//! ALT: the blocks come from a channel instead of an atomic counter
//!
//! The caller sends every block's range into a channel before starting the
//! workers; a worker receives the next range until the channel is empty.
//! More machinery than one `fetch_add`, but the same idea: whoever is free
//! takes the next block.

use crate::demos::cpu::is_prime;
use std::ops::Range;
use std::sync::Mutex;
use std::sync::mpsc;
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
    let (tx, rx) = mpsc::channel::<Range<u64>>();
    let mut start = 0;
    while start < limit {
        let end = start.saturating_add(block).min(limit);
        tx.send(start..end).expect("the receiver is right here");
        start = end;
    }
    drop(tx); // no more blocks: an empty channel now means "done"
    let blocks = Mutex::new(rx);
    let (blocks, value) = (&blocks, &value);
    thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut sum = 0;
                    loop {
                        // A statement of its own, so that the lock is let go
                        // before the block is added up (in a `while let`
                        // the guard would live through the loop body).
                        let next = blocks.lock().unwrap().recv();
                        let Ok(range) = next else {
                            return sum;
                        };
                        sum += range.map(value).sum::<u64>();
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .sum()
    })
}

/// The sum of the primes below `limit`, computed on `threads` threads.
pub fn parallel_sum_of_primes(limit: u64, threads: usize) -> u64 {
    parallel_sum(limit, threads, 1_000, |n| if is_prime(n) { n } else { 0 })
}
