//! Tests of the exercise `parallel_sum_of_primes`:
//! `cargo test -p choosing --test parallel_sum_of_primes`.
//!
//! Threads are watched from outside through `/proc` (`testkit::watch`,
//! as in chapter 2): a test sees how many of `parallel_sum`'s threads exist and
//! whether the caller sleeps in `join`, so that work run one thread after
//! the other, or split up front, is caught for certain and at once.
//!
//! `parallel_sum`'s threads are found by thread id, never by name
//! (`testkit::threads`: the threads that appeared after the caller started;
//! every test of this file takes a census first, so they run one at a
//! time): a worker may well have a name of its own.

use choosing::exercises::parallel_sum_of_primes::{parallel_sum, parallel_sum_of_primes};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use testkit::panics::catch_quietly;
use testkit::threads::census;
use testkit::watch::{Waiting, spawn_watched};
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

/// What a sum that is too small or too big says about the code.
fn explain(got: u64, expected: u64) -> &'static str {
    if got < expected {
        "some numbers were never added: is the last, shorter block cut off, or a remainder of \
         the split dropped?"
    } else {
        "numbers were added more than once, or numbers at or past the limit were added: is a \
         block taken twice (claim it with one fetch_add), or the last block not cut at the \
         limit?"
    }
}

#[test]
fn the_sum_is_the_same_on_1_2_4_and_7_threads() {
    let _census = census();
    within(
        DEADLINE,
        "clause 1 (each number in 0..limit added once): parallel_sum_of_primes",
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
                let why = explain(got, expected);
                assert!(
                    got == expected,
                    "clause 1 (each number in 0..limit added once): the primes below {limit} add \
                     up to {expected}, but on {threads} thread(s) \
                     the sum was {got}: {why}"
                );
            }
        },
    );
}

/// Each number is counted in its own atomic cell. Blocks of one number,
/// and two threads that leave each number together (a spinning start line)
/// and so claim their next blocks at the same instant, round after round:
/// a claim made of a load and a store (instead of one `fetch_add`) then
/// hands the same block to both.
#[test]
fn every_number_is_added_exactly_once() {
    let _census = census();
    const LIMIT: u64 = 2_000_003;
    // The start line costs little when both threads run and a lot when one
    // waits for the other to get a core: it is used for this long only.
    const PAIRING: Duration = Duration::from_millis(300);
    let what = "clause 1 (each number in 0..limit added once): parallel_sum";
    within(DEADLINE, what, "a thread that never ends", || {
        let seen: Vec<AtomicU8> = (0..LIMIT + 1_000).map(|_| AtomicU8::new(0)).collect();
        let arrived = AtomicU64::new(0);
        let pairing_ends = std::time::Instant::now() + PAIRING;
        let pairing = AtomicBool::new(true);
        let total = parallel_sum(LIMIT, 2, 1, |n| {
            if let Some(cell) = seen.get(n as usize) {
                cell.fetch_add(1, Ordering::Relaxed);
            }
            if pairing.load(Ordering::Relaxed) {
                if n % 1024 == 0 && std::time::Instant::now() >= pairing_ends {
                    pairing.store(false, Ordering::Relaxed);
                }
                start_line(&arrived);
            }
            n
        });
        let count = |n: u64| {
            seen.get(n as usize)
                .map_or(0, |c| c.load(Ordering::Relaxed))
        };
        let twice: Vec<u64> = (0..LIMIT).filter(|&n| count(n) > 1).take(10).collect();
        assert!(
            twice.is_empty(),
            "clause 1 (each number in 0..limit added once): numbers were added more than once \
             (the first: {twice:?}): two threads took the \
             same block. Claim a block with one atomic step (`fetch_add`), not a load followed \
             by a store"
        );
        let missing: Vec<u64> = (0..LIMIT).filter(|&n| count(n) == 0).take(10).collect();
        assert!(
            missing.is_empty(),
            "clause 1 (each number in 0..limit added once): these numbers were never added (the first few): {missing:?}: is the last, shorter \
             block cut off, or a remainder dropped?"
        );
        let past: Vec<u64> = (LIMIT..LIMIT + 1_000).filter(|&n| count(n) > 0).collect();
        assert!(
            past.is_empty(),
            "clause 1 (each number in 0..limit added once): numbers at or past the limit \
             {LIMIT} were added: {past:?}; cut the last block \
             with .min(limit)"
        );
        assert!(
            total == LIMIT * (LIMIT - 1) / 2,
            "clause 1 (each number in 0..limit added once): every number was added once, but \
             the total returned is {total}, not {}: are the threads' sums added up?",
            LIMIT * (LIMIT - 1) / 2
        );
    });
}

/// Two threads meet here and leave together: each arrival counts one, and
/// a thread spins until the count reaches the next even number. A partner
/// that does not come soon is not waited for: the start line only lines
/// threads up, it decides nothing.
fn start_line(arrived: &AtomicU64) {
    let me = arrived.fetch_add(1, Ordering::SeqCst) + 1;
    let target = me.next_multiple_of(2);
    let mut spins = 0u32;
    while arrived.load(Ordering::SeqCst) < target {
        spins += 1;
        // A partner that has not come after this many spins is descheduled
        // or has no more numbers: go on alone.
        if spins > 100_000 {
            return;
        }
        std::hint::spin_loop();
    }
}

#[test]
fn small_ranges_and_more_threads_than_blocks() {
    let _census = census();
    // The caller sleeps in join while its threads run, which on a loaded
    // machine can take a while even for tiny ranges: so a deadline, not
    // `without_blocking` (how the caller waits is the_caller_waits_..'s).
    let what = "clause 1 (each number in 0..limit added once): parallel_sum on tiny ranges";
    within(DEADLINE, what, "a thread that never ends", || {
        for (limit, threads, block, expected, what) in [
            (0, 4, 10, 0, "nothing below 0"),
            (5, 4, 1_000, 10, "0+1+2+3+4 on 4 threads, one block"),
            (5, 1, 1, 10, "0+1+2+3+4 in blocks of one"),
            (7, 2, 3, 21, "0+1+...+6 in blocks 0..3, 3..6, 6..7"),
        ] {
            let got = parallel_sum(limit, threads, block, |n| n);
            assert!(
                got == expected,
                "clause 1 (each number in 0..limit added once): {what}: expected {expected}, got \
                 {got}; {}",
                explain(got, expected)
            );
        }
    });
}

/// The first value each thread computes waits until all the threads have
/// got that far: they all arrive only if all of them run at once. Meanwhile
/// the test watches: a caller asleep in `join` while fewer threads exist
/// than it was asked for has joined a thread before spawning the rest.
#[test]
fn the_threads_run_at_the_same_time() {
    let census = census();
    thread_local! {
        static ARRIVED: Cell<bool> = const { Cell::new(false) };
    }
    const THREADS: usize = 4;
    const NAME: &str = "sum-at-once";
    // The caller is one of the threads that appeared; the others are its
    // workers.
    let workers_now = || census.appeared().len().saturating_sub(1);
    let meet = Arc::new(Rendezvous::new(THREADS));
    let all_met = Arc::new(AtomicBool::new(false));
    let caller = {
        let (meet, all_met) = (Arc::clone(&meet), Arc::clone(&all_met));
        spawn_watched(NAME, move || {
            parallel_sum(40 * 50, THREADS, 50, |n| {
                if !ARRIVED.with(|a| a.replace(true)) {
                    meet.wait(DEADLINE)
                        .expect("the threads never all ran at the same time");
                    all_met.store(true, Ordering::SeqCst);
                }
                n
            })
        })
    };
    while !all_met.load(Ordering::SeqCst) && !caller.finished() {
        // Before the meeting no worker can end (each waits at its first
        // value), so all of them exist once the caller sleeps in `join`.
        let workers = workers_now();
        if workers < THREADS && caller.stays_asleep() && !all_met.load(Ordering::SeqCst) {
            let workers = workers_now();
            panic!(
                "clause 2 (all the threads run at the same time): the threads ran one after the other: parallel_sum was asked for {THREADS} \
                 threads, but it waits in join while only {workers} of them exist. Spawn all \
                 of them in one `thread::scope` first, then join them (join right after spawn \
                 runs them one at a time)"
            );
        }
        std::thread::sleep(Duration::from_millis(5)); // sampling /proc
    }
    match caller.join_within(DEADLINE) {
        Some(Ok(total)) => assert!(
            total == 40 * 50 * (40 * 50 - 1) / 2,
            "clause 1 (each number in 0..limit added once): 0+1+...+1999 is {}, got {total}",
            40 * 50 * (40 * 50 - 1) / 2
        ),
        Some(Err(message)) => panic!("clause 2 (all the threads run at the same time): {message}"),
        None => panic!(
            "clause 4 (the caller joins its threads): parallel_sum never returned after all its \
             threads had met"
        ),
    }
}

/// Two threads; the one that gets block 0 stalls on its first number until
/// the other thread has done every other block. With blocks handed out one
/// at a time that always happens. With the range split up front, the other
/// thread ends after its own share, and the test sees it end.
#[test]
fn a_thread_that_falls_behind_does_not_hold_back_the_others() {
    let census = census();
    const NAME: &str = "sum-falls-back";
    const LIMIT: u64 = 2_000;
    const BLOCK: u64 = 50;
    const OTHERS: u64 = LIMIT - BLOCK; // every number outside the first block
    thread_local! {
        static STARTED: Cell<bool> = const { Cell::new(false) };
    }
    let done = Arc::new((Mutex::new(0u64), Condvar::new()));
    let started = Arc::new(AtomicU64::new(0));
    let caller = {
        let (done, started) = (Arc::clone(&done), Arc::clone(&started));
        spawn_watched(NAME, move || {
            let (count, progress) = &*done;
            parallel_sum(LIMIT, 2, BLOCK, |n| {
                if !STARTED.with(|s| s.replace(true)) {
                    started.fetch_add(1, Ordering::SeqCst);
                }
                if n == 0 {
                    let guard = count.lock().unwrap();
                    let (guard, waited) = progress
                        .wait_timeout_while(guard, DEADLINE, |done| *done < OTHERS)
                        .unwrap();
                    assert!(
                        !waited.timed_out(),
                        "only {} of the {OTHERS} numbers outside block 0 were done",
                        *guard
                    );
                } else {
                    *count.lock().unwrap() += 1;
                    progress.notify_all();
                }
                n
            })
        })
    };
    while !caller.finished() {
        let both_seen = started.load(Ordering::SeqCst) == 2;
        // The caller and its two workers.
        let alive = census.appeared().len();
        // Read after `alive`: a worker that has ended counted all it did.
        let numbers_done = *done.0.lock().unwrap();
        if both_seen && alive < 3 && numbers_done < OTHERS && !caller.finished() {
            panic!(
                "clause 3 (a thread takes the next free block): the work was split up front: the thread on block 0..{BLOCK} fell behind, and \
                 the other thread ended after {numbers_done} of the {OTHERS} numbers outside \
                 that block instead of taking the rest. Hand the blocks out one at a time from \
                 a shared counter"
            );
        }
        if !both_seen
            && caller.stays_asleep()
            && census.appeared().len() < 3
            && started.load(Ordering::SeqCst) < 2
        {
            panic!(
                "clause 2 (all the threads run at the same time): the threads ran one after the \
                 other: parallel_sum waits in join while only one \
                 of its 2 threads exists. Spawn all the threads first, then join them"
            );
        }
        std::thread::sleep(Duration::from_millis(5)); // sampling /proc
    }
    match caller.join_within(DEADLINE) {
        Some(Ok(total)) => assert!(
            total == LIMIT * (LIMIT - 1) / 2,
            "clause 1 (each number in 0..limit added once): 0+1+...+{} is {}, got {total}",
            LIMIT - 1,
            LIMIT * (LIMIT - 1) / 2
        ),
        Some(Err(message)) => panic!("clause 3 (a thread takes the next free block): {message}"),
        None => unreachable!("the caller had finished"),
    }
}

/// One worker is held on its first number until the test lets it go, so
/// the caller has to wait for it. Meanwhile the test asks the kernel how
/// the caller waits: asleep in `join` (a futex) until the thread ends, or
/// in `thread::sleep` (nanosleep), looking at some shared count again and
/// again, or spinning.
#[test]
fn the_caller_waits_for_its_threads_without_polling() {
    let _census = census();
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let caller = {
        let gate = Arc::clone(&gate);
        spawn_watched("sum-waits", move || {
            parallel_sum(100, 2, 10, |n| {
                if n == 0 {
                    let (open, opened) = &*gate;
                    let guard = open.lock().unwrap();
                    let (_guard, waited) = opened
                        .wait_timeout_while(guard, DEADLINE, |open| !*open)
                        .unwrap();
                    assert!(!waited.timed_out(), "the test never let block 0 go");
                }
                n
            })
        })
    };
    let waiting = caller.until_blocked();
    *gate.0.lock().unwrap() = true;
    gate.1.notify_all();
    match waiting {
        Waiting::Blocked(_) => {}
        Waiting::Polling(_) => panic!(
            "clause 4 (the caller joins its threads, no polling): while one of its threads was \
             still busy, parallel_sum polls: the kernel saw the \
             caller asleep in thread::sleep (nanosleep), checking again and again whether the \
             threads are done. Join the threads (or let the end of thread::scope join them): \
             a join sleeps until the thread ends and is woken exactly then"
        ),
        Waiting::Spinning(cpu) => panic!(
            "clause 4 (the caller joins its threads, no polling): while one of its threads was \
             still busy, parallel_sum busy-waited: the caller \
             burnt {cpu:?} of CPU time checking whether the threads are done. Join the threads \
             instead"
        ),
        Waiting::Returned | Waiting::NeverSlept(_) => {}
    }
    match caller.join_within(DEADLINE) {
        Some(Ok(total)) => assert!(
            total == 100 * 99 / 2,
            "clause 1 (each number in 0..limit added once): the sum of 0..100 is 4950, got \
             {total}"
        ),
        Some(Err(message)) => panic!("clause 4 (the caller joins its threads): {message}"),
        None => panic!(
            "clause 4 (the caller joins its threads): parallel_sum never returned after its \
             held thread was let go"
        ),
    }
}

/// How each worker stops in [`limits_near_u64_max_hand_out_each_block_once`].
const STOP: &str = "the test stops each thread at its first number on purpose";

/// Limits near `u64::MAX`, with blocks so big that there are only two or
/// three of them and more threads than blocks. Each thread stops at the
/// first number of its first block (the test's `value` panics there, on
/// purpose), so nothing near 2^63 numbers is ever added up: all the test
/// needs to see is which blocks were handed out. A counter moved on with
/// `fetch_add` by every thread passes `u64::MAX` and wraps round to 0: the
/// threads that come after the end get block 0 (or 2) again.
#[test]
fn limits_near_u64_max_hand_out_each_block_once() {
    let _census = census();
    testkit::panics::quiet_deliberate_panics();
    const HALF: u64 = 1 << 63;
    const THIRD: u64 = u64::MAX / 3 + 1;
    for (limit, block, starts) in [
        (u64::MAX, HALF, vec![0, HALF]),
        (u64::MAX - 1, THIRD, vec![0, THIRD, 2 * THIRD]),
    ] {
        let firsts = Arc::new(Mutex::new(Vec::new()));
        let outcome = {
            let firsts = Arc::clone(&firsts);
            // Eight threads that each stop at their first number: this
            // takes milliseconds, so a shorter deadline than usual.
            within(
                Duration::from_secs(5),
                "clause 5 (every limit up to u64::MAX): parallel_sum near u64::MAX",
                "a thread that never ends, or a counter \
                 that wrapped round and hands out blocks for ever",
                move || {
                    catch_quietly(move || {
                        parallel_sum(limit, 8, block, |n| {
                            firsts.lock().unwrap().push(n);
                            panic!("{STOP}")
                        })
                    })
                },
            )
        };
        let mut firsts = firsts.lock().unwrap().clone();
        firsts.sort_unstable();
        let mut twice: Vec<u64> = firsts
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .collect();
        twice.dedup();
        assert!(
            twice.is_empty(),
            "clause 5 (every limit up to u64::MAX): parallel_sum({limit}, 8 threads, block \
             {block}) handed out the block that starts at {twice:?} more than once: the shared \
             counter passed u64::MAX and wrapped round to 0. Every thread that comes back after \
             the end moves a `fetch_add` counter on by another block; do not move it past \
             `limit` (compare_exchange or fetch_update, which refuse when the counter is at the \
             limit)"
        );
        let elsewhere: Vec<u64> = firsts
            .iter()
            .copied()
            .filter(|n| !starts.contains(n))
            .collect();
        assert!(
            elsewhere.is_empty(),
            "clause 5 (every limit up to u64::MAX): with limit {limit} and blocks of {block}, \
             the blocks start at {starts:?}, and each thread should start at one of them (the \
             test stops it at its first number), but threads started at {elsewhere:?}: the \
             shared counter wrapped round, or the blocks are not where they should be"
        );
        if let Err(message) = &outcome
            && message.contains("overflow")
        {
            panic!(
                "clause 5 (every limit up to u64::MAX): parallel_sum({limit}, 8, {block}) \
                 panicked with {message:?}: near u64::MAX, `start + block` overflows; use \
                 start.saturating_add(block).min(limit)"
            );
        }
    }
}

/// More threads than this machine (or any the course runs on, up to 64
/// cores) has cores, and more threads than blocks.
#[test]
fn sixty_four_threads() {
    let _census = census();
    let what = "clause 1 (each number in 0..limit added once): parallel_sum on 64 threads";
    within(DEADLINE, what, "a thread that never ends", || {
        for (limit, block) in [(10_000, 7), (100, 1_000), (1_000, 1)] {
            let got = parallel_sum(limit, 64, block, |n| n);
            let expected = limit * (limit - 1) / 2;
            assert!(
                got == expected,
                "clause 1 (each number in 0..limit added once): 0+1+...+{} on 64 threads in \
                 blocks of {block}: expected {expected}, got {got}; {}",
                limit - 1,
                explain(got, expected)
            );
        }
    });
}

#[test]
fn zero_threads_or_empty_blocks_are_refused() {
    let _census = census();
    for (threads, block, expected) in [
        (0, 5, "at least one thread"),
        (2, 0, "at least one number per block"),
    ] {
        match catch_quietly(|| parallel_sum(10, threads, block, |n| n)) {
            Ok(sum) => panic!(
                "clause 6 (0 threads or 0 per block is refused): parallel_sum(10, {threads}, \
                 {block}, ..) returned {sum}; it must panic with a \
                 message that contains {expected:?}"
            ),
            Err(message) => assert!(
                message.contains(expected),
                "clause 6 (0 threads or 0 per block is refused): parallel_sum(10, {threads}, \
                 {block}, ..) panicked with {message:?}; the message should contain {expected:?}"
            ),
        }
    }
}
