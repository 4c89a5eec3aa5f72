//! CPU-bound work: counting primes by trial division. No I/O, no waiting,
//! only arithmetic, so the only way to finish sooner is to use more cores.

use std::ops::Range;
use std::sync::Arc;
use std::thread;
use timeline::Recorder;

// ANCHOR: is_prime
/// Whether `n` is prime, by trial division: slow on purpose, and slower for
/// bigger numbers (up to √n divisions).
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    let mut divisor = 2;
    while divisor * divisor <= n {
        if n.is_multiple_of(divisor) {
            return false;
        }
        divisor += 1;
    }
    true
}

/// How many primes lie in `range`.
pub fn count_primes(range: Range<u64>) -> u64 {
    range.filter(|&n| is_prime(n)).count() as u64
}
// ANCHOR_END: is_prime

/// `0..limit` cut into `parts` contiguous ranges of nearly equal length, in
/// order. Panics if `parts` is 0.
pub fn split(limit: u64, parts: usize) -> Vec<Range<u64>> {
    assert!(parts > 0, "cannot split work over zero threads");
    let parts = parts as u64;
    (0..parts)
        .map(|i| limit * i / parts..limit * (i + 1) / parts)
        .collect()
}

// ANCHOR: count_on_threads
/// Counts the primes below `limit` on `threads` threads, each counting one
/// contiguous slice, and records one span per thread on `recorder`.
pub fn count_primes_on_threads(limit: u64, threads: usize, recorder: &Arc<Recorder>) -> u64 {
    let handles: Vec<_> = split(limit, threads)
        .into_iter()
        .enumerate()
        .map(|(i, range)| {
            let recorder = Arc::clone(recorder);
            thread::spawn(move || {
                let label = format!("{}..{}", range.start, range.end);
                recorder.record(&format!("thread {i}"), &label, || count_primes(range))
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("a counting thread panicked"))
        .sum()
}
// ANCHOR_END: count_on_threads

/// The CPU time this process has used so far, all its threads together
/// (user and system time, from `getrusage`). Divided by the wall-clock time
/// of a piece of work, it says how many cores were busy on average.
pub fn cpu_time_used() -> std::time::Duration {
    use nix::sys::resource::{UsageWho, getrusage};
    use nix::sys::time::TimeValLike;
    let usage = getrusage(UsageWho::RUSAGE_SELF).expect("getrusage(RUSAGE_SELF) cannot fail");
    let micros = usage.user_time().num_microseconds() + usage.system_time().num_microseconds();
    std::time::Duration::from_micros(micros as u64)
}
