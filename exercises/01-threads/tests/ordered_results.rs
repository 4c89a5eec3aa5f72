//! Tests of the exercise `ordered_results`: `cargo test -p threads --test ordered_results`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};

use testkit::{DEADLINE, within};
use threads::exercises::ordered_results::spawn_workers;

/// Calls `spawn_workers` with a deadline, so that a stuck join fails the test
/// instead of hanging it.
fn spawn_workers_within_deadline<T, F>(n: usize, work: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Clone + 'static,
{
    within(
        DEADLINE,
        "spawn_workers",
        "a worker never finished, or a join waits for a thread that never ends",
        move || spawn_workers(n, work),
    )
}

#[test]
fn results_come_back_in_input_order() {
    let results = spawn_workers_within_deadline(32, |i| format!("report {i}"));
    let expected: Vec<String> = (0..32).map(|i| format!("report {i}")).collect();
    assert_eq!(
        results, expected,
        "result[i] must be work(i): keep the JoinHandles in a Vec in spawn order and join them \
         in that order (not in the order the threads finish)"
    );
}

#[test]
fn every_index_runs_exactly_once() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let results = spawn_workers_within_deadline(20, move |i| {
        record.lock().unwrap().push(i);
        i * i
    });
    let mut seen = seen.lock().unwrap().clone();
    seen.sort_unstable();
    assert_eq!(
        seen,
        (0..20).collect::<Vec<_>>(),
        "work must be called once for each i in 0..n, no more, no less"
    );
    assert_eq!(
        results,
        (0..20).map(|i| i * i).collect::<Vec<_>>(),
        "expected the squares of 0..20 in order, one result per worker"
    );
}

#[test]
fn each_worker_runs_on_a_thread_of_its_own() {
    let (caller, ids) = within(DEADLINE, "spawn_workers", "a worker never finished", || {
        let caller = thread::current().id();
        (caller, spawn_workers(8, |_| thread::current().id()))
    });
    assert_eq!(ids.len(), 8, "expected one result per worker");
    assert!(
        !ids.contains(&caller),
        "work(i) ran on the thread that called spawn_workers: it must run on a new thread \
         (thread::spawn)"
    );
    let distinct: HashSet<ThreadId> = ids.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        8,
        "8 workers ran on only {} distinct threads: spawn one thread per index",
        distinct.len()
    );
}

#[test]
fn zero_workers_means_no_thread_and_no_result() {
    let results: Vec<u8> = spawn_workers_within_deadline(0, |i| {
        panic!("work({i}) was called although n == 0");
    });
    assert!(results.is_empty(), "n == 0 must give an empty Vec");
}

#[test]
#[should_panic(expected = "worker 2 panicked")]
fn a_panicking_worker_is_reported_by_its_index() {
    spawn_workers_within_deadline(4, |i| {
        if i == 2 {
            panic!("this worker fails on purpose");
        }
        i
    });
}
