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
/// would have had. The caller waits for its threads by joining them (never in
/// a `thread::sleep` loop).
///
/// Every `limit` up to `u64::MAX` works: no block is handed out twice and
/// nothing at or past `limit` is added, even when `limit + threads * block`
/// does not fit in a `u64` (a counter that is moved on past the end by every
/// thread wraps round to 0 there, and hands out block 0 again).
///
/// Panics with "at least one thread" if `threads` is 0, and with "at least
/// one number per block" if `block` is 0.
pub fn parallel_sum<F>(limit: u64, threads: usize, block: u64, value: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    // TODO: the threads need one shared "next free block" that two of them
    // can never claim twice; all of them run at once, and the caller adds up
    // what each one returns.
    todo!("share the blocks of 0..limit among `threads` scoped threads and add up their sums")
}

/// The sum of the primes below `limit`, computed on `threads` threads.
pub fn parallel_sum_of_primes(limit: u64, threads: usize) -> u64 {
    parallel_sum(limit, threads, 1_000, |n| if is_prime(n) { n } else { 0 })
}
// ANCHOR_END: starter
