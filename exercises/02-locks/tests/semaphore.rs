//! Tests of the `semaphore` exercise: `cargo test -p locks --test semaphore`.

use locks::exercises::semaphore::Semaphore;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use testkit::{DEADLINE, Rendezvous, within};

/// Joins every thread, then re-raises the first panic with its own message.
fn join_all(handles: Vec<thread::JoinHandle<()>>) {
    let mut first_panic = None;
    for handle in handles {
        if let Err(panic) = handle.join() {
            first_panic.get_or_insert(panic);
        }
    }
    if let Some(panic) = first_panic {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn never_more_than_permits_threads_inside_and_the_limit_is_reached() {
    const PERMITS: usize = 3;
    const THREADS: usize = 8;
    const ROUNDS: usize = 200;
    // Twice the rendezvous' deadline, so that a missed rendezvous reports
    // itself before this deadline fires.
    within(
        2 * DEADLINE,
        "8 threads taking and releasing 3 permits",
        "deadlock: some thread waits in acquire() forever; does dropping a Permit give \
         the permit back and notify the Condvar? is the wait in a `while` loop?",
        || {
            let semaphore = Arc::new(Semaphore::new(PERMITS));
            let inside = Arc::new(AtomicUsize::new(0));
            // The first PERMITS threads inside wait there for each other, so
            // the limit is reached once, for sure, whatever the scheduling.
            let full_house = Arc::new(Rendezvous::new(PERMITS));
            let limit_reached = Arc::new(AtomicBool::new(false));
            let handles = (0..THREADS)
                .map(|_| {
                    let (semaphore, inside) = (Arc::clone(&semaphore), Arc::clone(&inside));
                    let (full_house, limit_reached) =
                        (Arc::clone(&full_house), Arc::clone(&limit_reached));
                    thread::spawn(move || {
                        for round in 0..ROUNDS {
                            let permit = semaphore.acquire();
                            let now_inside = inside.fetch_add(1, Ordering::SeqCst) + 1;
                            assert!(
                                now_inside <= PERMITS,
                                "{now_inside} threads held a permit at the same time (round \
                                 {round}), but the semaphore has only {PERMITS} permits: \
                                 acquire() must wait while no permit is free"
                            );
                            if !limit_reached.load(Ordering::SeqCst) {
                                if let Err(missed) = full_house.wait(DEADLINE) {
                                    // Nobody else should wait for a meeting that failed.
                                    limit_reached.store(true, Ordering::SeqCst);
                                    panic!(
                                        "with {PERMITS} permits and {THREADS} threads, {missed} \
                                         inside the semaphore: it lets in fewer threads than it \
                                         has permits (does acquire() take exactly one permit? \
                                         does new() store all of them?)"
                                    );
                                }
                                limit_reached.store(true, Ordering::SeqCst);
                            }
                            inside.fetch_sub(1, Ordering::SeqCst);
                            drop(permit);
                        }
                    })
                })
                .collect();
            join_all(handles);
            assert_eq!(
                semaphore.available_permits(),
                PERMITS,
                "every permit was dropped, so all {PERMITS} should be free again"
            );
        },
    );
}

#[test]
fn try_acquire_fails_when_no_permit_is_free_and_succeeds_after_a_release() {
    within(
        DEADLINE,
        "try_acquire",
        "try_acquire() must never wait: it returns None at once when no permit is free",
        || {
            let semaphore = Semaphore::new(2);
            assert_eq!(
                semaphore.available_permits(),
                2,
                "a new Semaphore::new(2) has 2 free permits"
            );
            let first = semaphore
                .try_acquire()
                .expect("try_acquire() failed with 2 permits free");
            let second = semaphore
                .try_acquire()
                .expect("try_acquire() failed with 1 permit free");
            assert_eq!(
                semaphore.available_permits(),
                0,
                "both permits are held, none should be free"
            );
            assert!(
                semaphore.try_acquire().is_none(),
                "try_acquire() succeeded although both permits were held"
            );
            drop(first);
            assert_eq!(
                semaphore.available_permits(),
                1,
                "dropping a Permit should give exactly one permit back"
            );
            let third = semaphore.try_acquire();
            assert!(
                third.is_some(),
                "try_acquire() failed although a permit had been released"
            );
            drop((second, third));
            assert_eq!(
                semaphore.available_permits(),
                2,
                "all permits dropped: 2 should be free"
            );
        },
    );
}

#[test]
fn zero_permits_means_nobody_gets_in() {
    let semaphore = Semaphore::new(0);
    assert!(
        semaphore.try_acquire().is_none(),
        "Semaphore::new(0) has no permit to give, but try_acquire() returned one"
    );
}

#[test]
fn a_waiting_acquire_proceeds_when_a_permit_is_released() {
    let semaphore = Arc::new(Semaphore::new(1));
    let held = semaphore
        .try_acquire()
        .expect("try_acquire() failed on a fresh Semaphore::new(1)");
    let both_ready = Arc::new(Rendezvous::new(2));
    let (acquired_tx, acquired_rx) = mpsc::channel();
    let waiter = {
        let (semaphore, both_ready) = (Arc::clone(&semaphore), Arc::clone(&both_ready));
        thread::spawn(move || {
            both_ready
                .wait(DEADLINE)
                .expect("the test thread never reached the rendezvous");
            let _permit = semaphore.acquire();
            let _ = acquired_tx.send(());
        })
    };
    both_ready
        .wait(DEADLINE)
        .expect("the waiter thread never reached the rendezvous");
    assert!(
        acquired_rx.try_recv().is_err(),
        "acquire() returned while the only permit was held by another thread"
    );
    drop(held);
    acquired_rx.recv_timeout(DEADLINE).expect(
        "acquire() was still waiting after the only permit had been released: \
         does release (Permit::drop) notify the Condvar that acquire() waits on?",
    );
    waiter
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}
