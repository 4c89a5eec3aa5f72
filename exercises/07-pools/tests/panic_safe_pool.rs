//! Tests of the `panic_safe_pool` exercise.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, ThreadId};

use crossbeam_channel::unbounded;
use pools::exercises::panic_safe_pool::PanicSafePool;
use testkit::{DEADLINE, Rendezvous, within};

/// Gives the pool `size` jobs that must all run at once (they meet at a
/// rendezvous), and returns the threads they ran on.
fn meet_on_every_worker(pool: &PanicSafePool, size: usize) -> HashSet<ThreadId> {
    let meet = Arc::new(Rendezvous::new(size));
    let (tx, rx) = unbounded();
    for _ in 0..size {
        let (meet, tx) = (Arc::clone(&meet), tx.clone());
        pool.execute(move || {
            let met = meet.wait(DEADLINE);
            let _ = tx.send((thread::current().id(), met));
        });
    }
    drop(tx);
    let reports: Vec<_> = within(
        DEADLINE,
        "jobs meeting on every worker",
        "some jobs never ran: did the pool start its workers, and replace the dead ones?",
        move || rx.iter().take(size).collect(),
    );
    assert_eq!(reports.len(), size, "some jobs never ran");
    for (_, met) in &reports {
        if let Err(missed) = met {
            panic!("{missed}: the pool does not have {size} live workers");
        }
    }
    reports.into_iter().map(|(id, _)| id).collect()
}

/// Runs a job that panics with `message`, and returns the thread it ran on.
fn panic_on_a_worker(pool: &PanicSafePool, message: &'static str) -> ThreadId {
    let (tx, rx) = unbounded();
    pool.execute(move || {
        tx.send(thread::current().id()).unwrap();
        panic!("{message}");
    });
    within(
        DEADLINE,
        "a panicking job",
        "the job never ran",
        move || rx.recv().unwrap(),
    )
}

#[test]
fn jobs_run_on_size_workers_at_once() {
    let pool = PanicSafePool::new(3);
    let threads = meet_on_every_worker(&pool, 3);
    assert_eq!(
        threads.len(),
        3,
        "three jobs that meet run on three threads"
    );
    assert!(pool.panics().is_empty());
}

#[test]
fn a_panic_kills_its_worker_and_a_replacement_takes_its_place() {
    let pool = PanicSafePool::new(2);
    let victim = panic_on_a_worker(&pool, "job 1 failed");
    let threads = meet_on_every_worker(&pool, 2);
    assert!(
        !threads.contains(&victim),
        "the thread whose job panicked still runs jobs: let the panic end the thread \
         (no catch_unwind) and start a new worker in its place"
    );
    assert_eq!(pool.panics(), vec!["job 1 failed".to_string()]);
}

#[test]
fn more_panics_than_workers_and_the_pool_still_works() {
    let size = 2;
    let pool = PanicSafePool::new(size);
    let mut victims = HashSet::new();
    for message in ["first", "second", "third", "fourth", "fifth"] {
        victims.insert(panic_on_a_worker(&pool, message));
    }
    let threads = meet_on_every_worker(&pool, size);
    assert!(threads.is_disjoint(&victims), "a thread survived its panic");
    let mut panics = pool.panics();
    panics.sort();
    assert_eq!(panics, vec!["fifth", "first", "fourth", "second", "third"]);
}

#[test]
fn drop_runs_the_queued_jobs_and_returns() {
    let done = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&done);
    within(
        DEADLINE,
        "drop(pool)",
        "drop never returned: close the job channel so the workers end, then join them \
         (and whatever thread watches them)",
        move || {
            let pool = PanicSafePool::new(3);
            for i in 0..300 {
                let done = Arc::clone(&counted);
                pool.execute(move || {
                    if i % 50 == 0 {
                        panic!("job {i} fails");
                    }
                    done.fetch_add(1, Ordering::SeqCst);
                });
            }
            drop(pool);
        },
    );
    assert_eq!(
        done.load(Ordering::SeqCst),
        294,
        "every queued job that does not panic must run before drop returns"
    );
}
