//! Tests of the exercise `stoppable_worker`: `cargo test -p threads --test stoppable_worker`.
//!
//! The step closure sends a message on a channel each time it runs. The test
//! counts the messages, so it knows exactly how many steps ran; and when the
//! worker's thread has finished, the closure (and its sender) is gone, so the
//! channel reports `Disconnected`: that is how the test knows the thread was
//! joined.

use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::time::Duration;

use testkit::{DEADLINE, within};
use threads::exercises::stoppable_worker::StoppableWorker;

/// How long a held step waits at its gate. A `stop` or `drop` that does not
/// join returns while the step is still held, and the test sees the thread
/// alive. One that joins waits for the step, which gives up after `HOLD` (the
/// test cannot open the gate for it: it is blocked in `stop` or `drop`). So
/// `HOLD` only has to be longer than a `stop` that does not wait takes.
const HOLD: Duration = Duration::from_millis(300);

/// A step that reports every call on the returned channel.
fn reporting_step() -> (impl FnMut() + Send + 'static, Receiver<()>) {
    let (report, reports) = mpsc::channel();
    (
        move || {
            let _ = report.send(());
        },
        reports,
    )
}

/// A step that reports every call, like [`reporting_step`], and whose call
/// number `held` stays inside the step until the returned gate is opened (or
/// dropped), or `HOLD` has passed.
fn held_step(held: u64) -> (impl FnMut() + Send + 'static, Receiver<()>, Sender<()>) {
    let (report, reports) = mpsc::channel();
    let (gate, gate_opened) = mpsc::channel::<()>();
    let mut calls = 0;
    let step = move || {
        calls += 1;
        let _ = report.send(());
        if calls == held {
            let _ = gate_opened.recv_timeout(HOLD);
        }
    };
    (step, reports, gate)
}

/// Waits until `n` steps have been reported.
fn wait_for_steps(reports: &Receiver<()>, n: u64) {
    for seen in 0..n {
        if let Err(e) = reports.recv_timeout(DEADLINE) {
            panic!(
                "saw only {seen} of {n} steps within {DEADLINE:?} ({e}): does the worker's \
                 thread call step() in a loop, starting right away?"
            );
        }
    }
}

/// Counts the steps still queued once the worker is gone, and checks that
/// the step closure was dropped, which happens when its thread has finished.
fn steps_left_after(reports: Receiver<()>, event: &'static str) -> u64 {
    within(
        DEADLINE,
        "counting the steps left over",
        "the worker's thread is still calling step(): was it asked to stop?",
        move || {
            let mut left = 0;
            loop {
                match reports.try_recv() {
                    Ok(()) => left += 1,
                    Err(TryRecvError::Disconnected) => return left,
                    Err(TryRecvError::Empty) => panic!(
                        "the worker's thread was still running after {event} returned: \
                         it must wait for the thread (join it) before returning"
                    ),
                }
            }
        },
    )
}

fn stop_within_deadline(worker: StoppableWorker) -> u64 {
    within(
        DEADLINE,
        "stop()",
        "the thread never noticed the stop request (does it check between two steps?), \
         or stop() joins before asking it to stop",
        move || worker.stop(),
    )
}

#[test]
fn stop_waits_and_returns_how_many_steps_ran() {
    let (step, reports, _gate) = held_step(4);
    let worker = StoppableWorker::start(step);
    wait_for_steps(&reports, 4); // the 4th step is now being held
    let steps = stop_within_deadline(worker);
    let observed = 4 + steps_left_after(reports, "stop()");
    assert_eq!(
        steps, observed,
        "stop() returned {steps}, but step() ran {observed} times: count every call, and \
         return the count of the thread that ran them"
    );
}

#[test]
fn stopping_at_once_does_not_hang() {
    let (step, reports) = reporting_step();
    let worker = StoppableWorker::start(step);
    let steps = stop_within_deadline(worker);
    let observed = steps_left_after(reports, "stop()");
    assert_eq!(
        steps, observed,
        "stop() returned {steps}, but step() ran {observed} times"
    );
}

#[test]
fn dropping_the_worker_stops_and_joins_it() {
    let (step, reports, _gate) = held_step(4);
    let worker = StoppableWorker::start(step);
    wait_for_steps(&reports, 4); // the 4th step is now being held
    within(
        DEADLINE,
        "dropping the worker",
        "Drop never returned: does it ask the thread to stop before joining it?",
        move || drop(worker),
    );
    steps_left_after(reports, "drop");
}

/// Starts a worker whose step panics, and returns once the step has run.
fn worker_whose_step_panics() -> StoppableWorker {
    let (report, reports) = mpsc::channel();
    let worker = StoppableWorker::start(move || {
        let _ = report.send(());
        panic!("the step failed on purpose");
    });
    wait_for_steps(&reports, 1);
    worker
}

#[test]
#[should_panic(expected = "the step failed on purpose")]
fn a_panic_in_the_step_comes_back_from_stop() {
    let worker = worker_whose_step_panics();
    stop_within_deadline(worker);
}

#[test]
fn dropping_a_worker_whose_step_panicked_does_not_panic() {
    let worker = worker_whose_step_panics();
    let dropped_quietly = within(
        DEADLINE,
        "dropping the worker",
        "Drop never returned",
        move || std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(worker))),
    );
    assert!(
        dropped_quietly.is_ok(),
        "dropping a worker whose step panicked panicked too: in Drop, ignore the Err that \
         join returns (a panic while unwinding would abort the whole program)"
    );
}
