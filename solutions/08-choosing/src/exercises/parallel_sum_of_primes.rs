//! Solution of `parallel_sum_of_primes`.

use crate::demos::cpu::is_prime;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

// ANCHOR: solution
/// Adds up `value(n)` for every `n` in `0..limit` on `threads` scoped
/// threads that take blocks of `block` numbers from a shared counter that
/// never passes `limit` (so it cannot wrap, for any `limit` up to
/// `u64::MAX`).
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
                    // Claims the next block in one atomic step, and never
                    // moves the counter past `limit`: a plain `fetch_add`
                    // would go on adding `block` once per thread after the
                    // end, and near u64::MAX wrap round to 0 and hand out
                    // block 0 again. Relaxed is enough: the counter only has
                    // to hand each block out once; the sums travel by join.
                    while let Ok(start) =
                        next_block.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |start| {
                            (start < limit).then(|| start.saturating_add(block).min(limit))
                        })
                    {
                        let end = start.saturating_add(block).min(limit);
                        sum += (start..end).map(value).sum::<u64>();
                    }
                    sum
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .sum()
    })
}
// ANCHOR_END: solution

/// The sum of the primes below `limit`, computed on `threads` threads.
pub fn parallel_sum_of_primes(limit: u64, threads: usize) -> u64 {
    parallel_sum(limit, threads, 1_000, |n| if is_prime(n) { n } else { 0 })
}
