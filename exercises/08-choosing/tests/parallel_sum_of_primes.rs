//! Tests of the exercise `parallel_sum_of_primes`:
//! `cargo test -p choosing --test parallel_sum_of_primes`.

use choosing::exercises::parallel_sum_of_primes::{parallel_sum, parallel_sum_of_primes};
use std::cell::Cell;
use std::sync::{Arc, Condvar, Mutex};
use testkit::{DEADLINE, Rendezvous, within};

/// The primes below `limit` by the sieve of Eratosthenes: an answer that
/// owes nothing to the code under test.
fn sieve_sum(limit: u64) -> u64 {
    let limit = limit as usize;
    let mut composite = vec![false; limit];
    let mut sum = 0;
    for n in 2..limit {
        if !composite[n] {
            sum += n as u64;
            for multiple in (n * n..limit).step_by(n) {
                composite[multiple] = true;
            }
        }
    }
    sum
}

#[test]
fn the_sum_is_the_same_on_1_2_4_and_7_threads() {
    within(
        DEADLINE,
        "parallel_sum_of_primes",
        "a thread that never ends",
        || {
            assert_eq!(
                sieve_sum(1_000),
                76_127,
                "the test's own reference is wrong"
            );
            let limit = 123_457; // not a multiple of the block size
            let expected = sieve_sum(limit);
            for threads in [1, 2, 4, 7] {
                let got = parallel_sum_of_primes(limit, threads);
                assert_eq!(
                    got, expected,
                    "the primes below {limit} add up to {expected}, but on {threads} thread(s) \
                 the sum was {got}: is a block skipped or counted twice?"
                );
            }
        },
    );
}

#[test]
fn every_number_is_added_exactly_once() {
    within(DEADLINE, "parallel_sum", "a thread that never ends", || {
        let seen = Mutex::new(Vec::new());
        let limit = 10_007;
        let total = parallel_sum(limit, 3, 100, |n| {
            seen.lock().unwrap().push(n);
            n
        });
        let mut seen = seen.into_inner().unwrap();
        seen.sort_unstable();
        let missing: Vec<u64> = (0..limit)
            .filter(|n| seen.binary_search(n).is_err())
            .collect();
        assert!(
            missing.is_empty(),
            "these numbers were never added: {missing:?}"
        );
        let twice: Vec<u64> = seen
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .collect();
        assert!(
            twice.is_empty(),
            "these numbers were added more than once: {twice:?}"
        );
        assert_eq!(
            seen.len() as u64,
            limit,
            "numbers at or past the limit were added"
        );
        assert_eq!(
            total,
            limit * (limit - 1) / 2,
            "the total is not the sum of the values"
        );
    });
}

#[test]
fn small_ranges_and_more_threads_than_blocks() {
    within(DEADLINE, "parallel_sum", "a thread that never ends", || {
        assert_eq!(
            parallel_sum(0, 4, 10, |n| n + 1),
            0,
            "nothing below 0: the sum is 0"
        );
        assert_eq!(
            parallel_sum(5, 4, 1_000, |n| n),
            10,
            "0+1+2+3+4 on 4 threads, one block"
        );
        assert_eq!(
            parallel_sum(5, 1, 1, |n| n),
            10,
            "0+1+2+3+4 in blocks of one"
        );
    });
}

#[test]
fn the_threads_run_at_the_same_time() {
    thread_local! {
        static ARRIVED: Cell<bool> = const { Cell::new(false) };
    }
    let threads = 4;
    let meet = Arc::new(Rendezvous::new(threads));
    within(
        2 * DEADLINE,
        "parallel_sum",
        "the threads never all ran",
        move || {
            // The first value each thread computes waits for the other threads.
            // They all arrive only if all of them are running at once.
            parallel_sum(40 * 50, threads, 50, |n| {
                if !ARRIVED.with(|a| a.replace(true)) {
                    meet.wait(DEADLINE).unwrap_or_else(|missed| {
                        panic!(
                            "{missed}: the {threads} threads must all be running at the same time; \
                         spawn all of them in one `thread::scope` before joining any"
                        )
                    });
                }
                n
            })
        },
    );
}

#[test]
fn a_thread_that_falls_behind_does_not_hold_back_the_others() {
    let (limit, block) = (2_000, 50);
    let others = limit - block; // every number outside the first block
    within(
        2 * DEADLINE,
        "parallel_sum",
        "a worker never finished",
        move || {
            let done = Mutex::new(0u64);
            let progress = Condvar::new();
            let total = parallel_sum(limit, 2, block, |n| {
                if n == 0 {
                    // This thread stalls on its first number until the other
                    // thread has done all the blocks outside the first one.
                    let guard = done.lock().unwrap();
                    let (guard, timeout) = progress
                        .wait_timeout_while(guard, DEADLINE, |done| *done < others)
                        .unwrap();
                    assert!(
                        !timeout.timed_out(),
                        "the thread on block 0..{block} waited for the other thread to do the \
                     {others} numbers of the other blocks, but after {DEADLINE:?} only {} were \
                     done. Is the work split up front (a fixed share per thread) instead of \
                     handed out one block at a time from a shared counter?",
                        *guard
                    );
                } else {
                    *done.lock().unwrap() += 1;
                    progress.notify_all();
                }
                n
            });
            assert_eq!(total, limit * (limit - 1) / 2);
        },
    );
}

#[test]
#[should_panic(expected = "at least one thread")]
fn zero_threads_is_refused() {
    parallel_sum(10, 0, 5, |n| n);
}

#[test]
#[should_panic(expected = "at least one number per block")]
fn empty_blocks_are_refused() {
    parallel_sum(10, 2, 0, |n| n);
}
