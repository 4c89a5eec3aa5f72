//! Exercise `parallel_sum_of_primes`: share CPU-bound work between scoped
//! threads so that every thread keeps busy until the very end.

#![allow(unused_variables)]

use crate::demos::cpu::is_prime;

// ANCHOR: starter
/// Adds up `value(n)` for every `n` in `0..limit` on `threads` scoped
/// threads, all running at the same time, and returns the total.
///
/// The work is handed out in blocks of `block` consecutive numbers (`0..block`,
/// `block..2 * block`, ..., the last one possibly shorter). A thread takes the
/// next block nobody has taken yet, adds up its values, and comes back for
/// another, until none is left. So a thread that falls behind (bigger numbers,
/// or a busy core) does not hold the others back: they take the blocks it
/// would have had.
///
/// Panics with "at least one thread" if `threads` is 0, and with "at least
/// one number per block" if `block` is 0.
pub fn parallel_sum<F>(limit: u64, threads: usize, block: u64, value: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    // TODO: keep the start of the next free block in an AtomicU64 that the
    // threads share; in `thread::scope`, spawn `threads` workers that each
    // `fetch_add(block)` to claim a block until the start passes `limit`,
    // and add up what the workers return.
    todo!("hand out blocks of numbers to `threads` scoped threads from a shared atomic counter")
}

/// The sum of the primes below `limit`, computed on `threads` threads.
pub fn parallel_sum_of_primes(limit: u64, threads: usize) -> u64 {
    parallel_sum(limit, threads, 1_000, |n| if is_prime(n) { n } else { 0 })
}
// ANCHOR_END: starter
