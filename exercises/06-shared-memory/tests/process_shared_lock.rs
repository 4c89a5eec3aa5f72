//! Exercise `process_shared_lock`: a spin lock on an AtomicBool in shared
//! memory keeps a pair of plain fields consistent across processes.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use processes::demos::process::Process;
use shared_memory::demos::counter::join_all;
use shared_memory::demos::region::SharedValue;
use shared_memory::demos::start_line::StartLine;
use shared_memory::exercises::process_shared_lock::{Pair, SpinLock};
use testkit::within;

/// How long a lock operation between two processes may take before the test
/// calls it stuck: far more than it takes on a loaded machine, short enough
/// that a wrong solution fails the whole file within 10 s.
const PATIENCE: Duration = Duration::from_secs(3);

/// What a lock whose guard does not unlock is told.
const NOT_RELEASED: &str =
    "clause 2 (dropping the guard releases the lock): the guard's drop did not release the lock";

/// What a lock that does not exclude is told.
const TWO_IN: &str = "clause 1 (one holder at a time): the lock lets two holders in at once";

/// The CPU time (user + system, in clock ticks of 10 ms, sampled) that
/// process `pid` has used so far; 0 if it cannot be read.
fn cpu_ticks(pid: i32) -> u64 {
    testkit::proc::Task::process(pid)
        .stat()
        .map_or(0, |stat| stat.cpu_ticks)
}

/// Locks and unlocks `lock` once, then checks that it is free.
fn check_lock_then_unlock<T>(lock: &SpinLock<T>) {
    drop(lock.lock());
    assert!(
        lock.try_lock().is_some(),
        "{NOT_RELEASED}: after lock() and dropping the guard, try_lock() finds it taken. \
         The guard's drop must store false"
    );
}

#[test]
fn a_released_lock_can_be_taken_again() {
    let pair = within(
        PATIENCE,
        "clause 2 (dropping the guard releases the lock): locking twice in a row",
        "the guard's drop did not release the lock, so the second lock() spins forever",
        || {
            let lock = SpinLock::<Pair>::default();
            {
                let mut guard = lock.lock();
                guard.left = 1;
                guard.right = 1;
            }
            let guard = lock.lock();
            *guard
        },
    );
    assert_eq!(
        pair,
        Pair { left: 1, right: 1 },
        "clause 5 (the next holder sees the previous holder's writes): the write made under the first lock was lost"
    );
}

#[test]
fn try_lock_fails_while_the_lock_is_held() {
    within(
        PATIENCE,
        "clause 4 (try_lock never waits): try_lock on a lock that is held",
        "try_lock waited for the lock instead of returning None at once: one \
         compare_exchange, no loop",
        || {
            let lock = SpinLock::<Pair>::default();
            let guard = lock.try_lock();
            assert!(
                guard.is_some(),
                "clause 4 (try_lock never waits): try_lock on a free lock should succeed"
            );
            assert!(
                lock.try_lock().is_none(),
                "{TWO_IN}: try_lock should return None while a guard is alive: is `locked` \
                 set to true, and is the result of compare_exchange checked?"
            );
            drop(guard);
            assert!(
                lock.try_lock().is_some(),
                "{NOT_RELEASED}: try_lock should succeed again once the guard is dropped. \
                 Does drop store false?"
            );
        },
    );
}

#[test]
fn another_process_waits_for_the_lock() {
    let _clean = testkit::process_scope();
    let lock = SharedValue::<SpinLock<Pair>>::new().expect("mmap failed");
    let child_is_trying = SharedValue::<AtomicU32>::new().expect("mmap failed");
    let outcome = within(
        PATIENCE,
        "clause 3 (lock waits for a held lock, then takes it): a child waiting for the parent's lock",
        "the child never got the lock after the parent released it: does lock() spin until \
         it sees the lock free?",
        move || {
            check_lock_then_unlock(&lock);
            let mut held = lock.lock(); // the parent holds it before the fork
            // SAFETY: the child uses atomics and the spin lock in shared
            // memory (atomics and sched_yield): no lock of this process.
            let mut child = unsafe {
                Process::start(|| {
                    child_is_trying.store(1, Ordering::Release);
                    let mut guard = lock.lock();
                    child_is_trying.store(2, Ordering::Release);
                    guard.left += 10;
                    guard.right += 10;
                    0
                })
            }
            .expect("fork failed");
            // Wait until the child is either past lock() (a lock that does
            // not exclude) or in it and has used a clock tick (10 ms) of CPU
            // time, spinning (a lock that makes it wait).
            let give_up_at = Instant::now() + PATIENCE / 2;
            loop {
                let trying = child_is_trying.load(Ordering::Acquire);
                if trying == 2 || (trying == 1 && cpu_ticks(child.pid()) >= 1) {
                    break;
                }
                if Instant::now() >= give_up_at {
                    break;
                }
                std::thread::yield_now();
            }
            let before = *held;
            held.left = 1;
            held.right = 1;
            drop(held);
            let status = child.join().expect("waitpid failed");
            (before, status.success(), *lock.lock())
        },
    );
    let (before, child_ok, after) = outcome;
    assert_eq!(
        before,
        Pair::default(),
        "{TWO_IN}: the child changed the pair while the parent held the lock"
    );
    assert!(
        child_ok,
        "clause 3 (lock waits for a held lock, then takes it): the child failed (did lock() panic?)"
    );
    assert_eq!(
        after,
        Pair {
            left: 11,
            right: 11
        },
        "clause 5 (the next holder sees the previous holder's writes): the child should have added 10 to the parent's 1, after the parent released the lock"
    );
}

#[test]
fn the_pair_stays_consistent_with_four_processes() {
    let _clean = testkit::process_scope();
    const PROCESSES: u32 = 4;
    const ROUNDS: u64 = 20_000;
    let lock = SharedValue::<SpinLock<Pair>>::new().expect("mmap failed");
    let inside = SharedValue::<AtomicU32>::new().expect("mmap failed");
    let most_inside = SharedValue::<AtomicU32>::new().expect("mmap failed");
    let torn = SharedValue::<AtomicU64>::new().expect("mmap failed");
    let start = SharedValue::<StartLine>::new().expect("mmap failed");
    let (pair, most_inside, torn) = within(
        PATIENCE * 2,
        "clause 3 (lock waits for a held lock, then takes it): four processes taking the lock",
        "a process never got the lock: does lock() spin until it sees the lock free?",
        move || {
            // Once in the parent first, so that a panic in lock(), or a
            // guard that does not unlock, shows here.
            check_lock_then_unlock(&lock);
            let mut children = Vec::new();
            for _ in 0..PROCESSES {
                // SAFETY: the child uses atomics and the spin lock in shared
                // memory, reads the clock and yields: no lock of this process.
                let child = unsafe {
                    Process::start(|| {
                        let _ = start.wait(PROCESSES, PATIENCE / 2);
                        for _ in 0..ROUNDS {
                            let mut guard = lock.lock();
                            let now_inside = inside.fetch_add(1, Ordering::SeqCst) + 1;
                            most_inside.fetch_max(now_inside, Ordering::SeqCst);
                            if guard.left != guard.right {
                                torn.fetch_add(1, Ordering::Relaxed);
                            }
                            // Two separate writes: a second process in here
                            // would see them unequal.
                            guard.left += 1;
                            std::hint::black_box(&mut *guard);
                            guard.right += 1;
                            inside.fetch_sub(1, Ordering::SeqCst);
                        }
                        0
                    })
                }
                .expect("fork failed");
                children.push(child);
            }
            join_all(&mut children).expect("clause 3 (lock waits for a held lock, then takes it): a child failed (did lock() panic?)");
            let pair = *lock.lock();
            (
                pair,
                most_inside.load(Ordering::SeqCst),
                torn.load(Ordering::Relaxed),
            )
        },
    );
    assert!(
        most_inside <= 1,
        "{TWO_IN}: {most_inside} processes were inside the critical section at once (is it \
         one compare_exchange from false to true, and its result checked? A load, then a \
         store, lets two processes see it free)"
    );
    assert_eq!(
        most_inside, 1,
        "clause 3 (lock waits for a held lock, then takes it): no process ever counted itself inside the critical section"
    );
    assert_eq!(
        torn, 0,
        "clause 5 (the next holder sees the previous holder's writes): {torn} times a process found left != right under the lock"
    );
    let total = u64::from(PROCESSES) * ROUNDS;
    assert_eq!(
        pair,
        Pair {
            left: total,
            right: total
        },
        "clause 1 (one holder at a time): every one of the {total} rounds adds one to each side; a smaller count means two \
         processes updated the pair at the same time"
    );
}
