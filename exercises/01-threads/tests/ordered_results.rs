//! Tests of the exercise `ordered_results`: `cargo test -p threads --test ordered_results`.
//!
//! Every call goes through [`call_spawn_workers`], which counts the workers
//! that finished before `spawn_workers` returned: a solution that does not
//! join gets the same message in every test. The schedule is never left to
//! luck: workers meet at a rendezvous (they must all run at once), finish in
//! reverse order on purpose ([`common::ReverseFinish`]), or hold until the
//! test has seen `spawn_workers` return.
//!
//! The first line of every failure names the clause of the contract it
//! breaks (`exercises/01-threads/course.toml`).

mod common;

use std::collections::HashSet;
use std::fmt::Debug;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use common::{CALL_DEADLINE, MEET, ReverseFinish, Signal, order_problem};
use testkit::panics::{self, ON_PURPOSE, quiet_deliberate_panics};
use testkit::{Missed, Rendezvous, within};
use threads::exercises::ordered_results::spawn_workers;

/// How long the workers of `spawn_workers_waits_for_every_worker_before_returning`
/// hold (see there).
const HOLD: Duration = Duration::from_secs(1);

/// Calls `spawn_workers(n, work)` with a deadline and returns its results, or
/// the message it panicked with. Fails the test if it returned (or panicked)
/// before `must_finish` workers had finished: it did not wait for them.
fn call_spawn_workers<T, F>(n: usize, work: F, must_finish: usize) -> Result<Vec<T>, String>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Clone + 'static,
{
    call_spawn_workers_from(n, work, must_finish).0
}

/// [`call_spawn_workers`], also giving the id of the thread that called
/// `spawn_workers` (a thread is told by its id, never by its name).
fn call_spawn_workers_from<T, F>(
    n: usize,
    work: F,
    must_finish: usize,
) -> (Result<Vec<T>, String>, ThreadId)
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Clone + 'static,
{
    let finished = Arc::new(AtomicUsize::new(0));
    let counted = {
        let finished = Arc::clone(&finished);
        move |i| {
            let value = work(i);
            finished.fetch_add(1, Ordering::SeqCst);
            value
        }
    };
    let outcome = within(
        CALL_DEADLINE,
        "clause 4 (spawn_workers joins every worker, then returns): spawn_workers",
        "a worker never finished, or a join waits for a thread that never ends",
        move || {
            let caller = thread::current().id();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                spawn_workers(n, counted)
            }));
            (outcome, caller)
        },
    );
    let (outcome, caller) = outcome;
    let done = finished.load(Ordering::SeqCst);
    if done < must_finish {
        let how = match &outcome {
            Ok(_) => "returned".to_string(),
            Err(payload) => format!("panicked ({})", panics::message(payload.as_ref())),
        };
        panic!(
            "clause 4 (spawn_workers joins every worker, then returns): spawn_workers {how} while \
             workers were still running ({done} of {must_finish} had \
             finished): join every thread before returning; sleeping is not waiting"
        );
    }
    (
        outcome.map_err(|payload| panics::message(payload.as_ref())),
        caller,
    )
}

/// Unwraps the results of a call in which no worker panics.
fn results<T>(outcome: Result<Vec<T>, String>) -> Vec<T> {
    outcome.unwrap_or_else(|message| {
        panic!(
            "clause 1 (runs work(i) for each i and returns its results): spawn_workers \
             panicked, but no worker did: {message}"
        )
    })
}

/// Work that first waits at a rendezvous of all `n` workers (recording in
/// `missed` if they never all arrive; later workers then skip the wait).
fn meeting<T, F>(
    n: usize,
    missed: &Arc<Mutex<Option<Missed>>>,
    then: F,
) -> impl Fn(usize) -> T + Send + Clone + 'static
where
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    let meet = Arc::new(Rendezvous::new(n));
    let missed = Arc::clone(missed);
    let then = Arc::new(then);
    move |i| {
        let already_missed = missed.lock().unwrap().is_some();
        if !already_missed && let Err(missing) = meet.wait(MEET) {
            *missed.lock().unwrap() = Some(missing);
        }
        then(i)
    }
}

/// Fails if the workers of a [`meeting`] call never all ran at once.
fn assert_met(missed: &Mutex<Option<Missed>>) {
    if let Some(missing) = *missed.lock().unwrap() {
        panic!(
            "clause 3 (the workers run at the same time): {missing}: spawn_workers must start \
             every worker before it joins any. Did you join \
             each thread right after spawning it?"
        );
    }
}

fn assert_in_input_order<T: PartialEq + Debug>(got: &[T], expected: &[T]) {
    if let Some(problem) = order_problem(got, expected, "the results") {
        panic!("clause 2 (results in index order): {problem}");
    }
    assert!(
        got == expected,
        "clause 2 (results in index order): result[i] must be work(i), one result per worker, \
         in input order: expected {expected:?}, got {got:?}"
    );
}

#[test]
fn workers_run_at_the_same_time() {
    let missed = Arc::new(Mutex::new(None));
    let outcome = call_spawn_workers(4, meeting(4, &missed, |i| i), 4);
    assert_met(&missed);
    assert_in_input_order(&results(outcome), &[0, 1, 2, 3]);
}

#[test]
fn results_come_back_in_input_order_when_workers_finish_in_reverse() {
    let missed = Arc::new(Mutex::new(None));
    let order = ReverseFinish::new(6);
    let stuck = Arc::new(Mutex::new(None));
    let work = {
        let stuck = Arc::clone(&stuck);
        let missed_early = Arc::clone(&missed);
        meeting(6, &missed, move |i| {
            if missed_early.lock().unwrap().is_none()
                && let Err(what) = order.finish_after_next(i)
            {
                *stuck.lock().unwrap() = Some(what);
            }
            format!("report {i}")
        })
    };
    let outcome = call_spawn_workers(6, work, 6);
    assert_met(&missed);
    if let Some(what) = stuck.lock().unwrap().take() {
        panic!(
            "clause 1 (each worker on a thread of its own): {what}: each worker must run on a \
             thread of its own that ends when its work is done"
        );
    }
    let expected: Vec<String> = (0..6).map(|i| format!("report {i}")).collect();
    assert_in_input_order(&results(outcome), &expected);
}

#[test]
fn every_index_runs_exactly_once() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let outcome = call_spawn_workers(
        20,
        move |i| {
            record.lock().unwrap().push(i);
            i * i
        },
        20,
    );
    let mut seen = seen.lock().unwrap().clone();
    seen.sort_unstable();
    assert!(
        seen == (0..20).collect::<Vec<_>>(),
        "clause 1 (work(i) runs exactly once for each i): work must be called once for each i \
         in 0..20, no more, no less, but it was called with {seen:?}"
    );
    let expected: Vec<usize> = (0..20).map(|i| i * i).collect();
    assert_in_input_order(&results(outcome), &expected);
}

#[test]
fn each_worker_runs_on_a_thread_of_its_own() {
    let (outcome, caller) = call_spawn_workers_from(8, |_| thread::current().id(), 8);
    let threads = results(outcome);
    assert!(
        !threads.contains(&caller),
        "clause 1 (each worker on a thread of its own): work(i) ran on the thread that called \
         spawn_workers: it must run on a new thread \
         (thread::spawn)"
    );
    let distinct: HashSet<ThreadId> = threads.iter().copied().collect();
    assert!(
        distinct.len() == 8,
        "clause 1 (each worker on a thread of its own): 8 workers ran on only {} distinct \
         threads: spawn one thread per index",
        distinct.len()
    );
}

#[test]
fn spawn_workers_waits_for_every_worker_before_returning() {
    // The workers hold until the test has seen spawn_workers return, or
    // until HOLD has passed, which is what a solution that joins sees. (A
    // solution that sleeps longer than HOLD instead of joining would pass:
    // HOLD is a cost every correct solution pays, so it stays short.)
    let missed = Arc::new(Mutex::new(None));
    let returned = Signal::new();
    let work = {
        let returned = Arc::clone(&returned);
        let missed_early = Arc::clone(&missed);
        meeting(4, &missed, move |i| {
            if missed_early.lock().unwrap().is_none() {
                returned.wait(HOLD);
            }
            i
        })
    };
    let outcome = call_spawn_workers(4, work, 4);
    returned.raise();
    assert_met(&missed);
    assert_in_input_order(&results(outcome), &[0, 1, 2, 3]);
}

#[test]
fn zero_workers_means_no_thread_and_no_result() {
    let outcome: Result<Vec<u8>, String> = call_spawn_workers(
        0,
        |i| panic!("clause 5 (n == 0: no thread, no result): work({i}) was called although n == 0"),
        0,
    );
    assert!(
        results(outcome).is_empty(),
        "clause 5 (n == 0: no thread, no result): n == 0 must give an empty Vec"
    );
}

#[test]
fn a_panicking_worker_is_reported_by_its_index() {
    quiet_deliberate_panics();
    // No "finished" check here: a solution may panic as soon as it joins
    // worker 2, while worker 3 still runs.
    let outcome = call_spawn_workers(
        4,
        |i| {
            if i == 2 {
                panic!("worker 2 fails {ON_PURPOSE}");
            }
            i
        },
        0,
    );
    match outcome {
        Ok(results) => panic!(
            "clause 6 (a worker's panic is reported by its index): spawn_workers returned \
             {results:?} although worker 2 panicked: the panic was \
             swallowed: join every thread before returning, and when join gives Err (the worker \
             panicked), panic with \"worker 2 panicked\""
        ),
        Err(message) => assert!(
            message.starts_with("worker 2 panicked"),
            "clause 6 (a worker's panic is reported by its index): spawn_workers panicked with \
             {message:?}, but the message must start with \"worker 2 \
             panicked\": turn the Err that join returns into a panic that names the worker's index"
        ),
    }
}
