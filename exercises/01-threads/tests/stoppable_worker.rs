//! Tests of the exercise `stoppable_worker`: `cargo test -p threads --test stoppable_worker`.
//!
//! The step closure counts its calls in shared [`Progress`], so the test
//! knows exactly how many steps ran; and when the worker's thread has
//! finished, the closure is dropped, which `Progress` records: that is how
//! the test knows the thread was joined. One call of the step can be held
//! inside the step (at a gate the test opens), so that `stop` or `drop` is
//! called while the thread is certainly still busy.

mod common;

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use common::Signal;
use testkit::panics::{self, ON_PURPOSE, quiet_deliberate_panics};
use testkit::watch::{Waiting, spawn_watched};
use testkit::within;
use threads::exercises::stoppable_worker::StoppableWorker;

/// How long the steps a test waits for may take to show up: a thread that
/// calls step() in a loop makes thousands of calls in that time.
const STEPS_DEADLINE: Duration = Duration::from_secs(3);

/// How long `stop` or `drop` may take. A correct one waits for the held step
/// ([`HOLD`], or [`SPIN_HOLD`]) and returns.
const STOP_DEADLINE: Duration = Duration::from_secs(3);

/// How long a held step stays held when the gate is not opened. A `stop` or
/// `drop` that does not join returns while the step is still held, and the
/// test sees the thread alive; one that joins waits for the step, which gives
/// up after `HOLD` (the test cannot open the gate for it: it is blocked in
/// `stop` or `drop`).
const HOLD: Duration = Duration::from_millis(500);

/// How long, at most, the step is held while the test watches how `stop`
/// waits for it (the test opens the gate as soon as it knows).
const SPIN_HOLD: Duration = Duration::from_millis(1500);

/// Why `stop` or `drop` may never return.
const STOP_STUCK: &str = "the thread never noticed the stop request (does it check between two \
     steps, and does it treat a disconnected channel as a request to stop?), or the code joins \
     before it asks the thread to stop: ask the thread to stop before joining it";

/// What the step closure tells the test.
#[derive(Debug, Default)]
struct Progress {
    state: Mutex<ProgressState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct ProgressState {
    steps: u64,
    /// The step closure was dropped: its thread has finished.
    dropped: bool,
}

impl Progress {
    fn update(&self, change: impl FnOnce(&mut ProgressState)) {
        change(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()));
        self.changed.notify_all();
    }

    fn steps(&self) -> u64 {
        self.state.lock().unwrap().steps
    }

    /// Waits until `n` steps have run.
    fn wait_for_steps(&self, n: u64) {
        let state = self.state.lock().unwrap();
        let (state, _) = self
            .changed
            .wait_timeout_while(state, STEPS_DEADLINE, |s| s.steps < n)
            .unwrap();
        if state.steps < n {
            panic!(
                "clause 1 (the thread calls step over and over): saw only {} of {n} steps within {STEPS_DEADLINE:?}: does the worker's thread call \
                 step() in a loop, starting right away, without waiting between two steps? \
                 (recv() waits for a message; try_recv() only looks)",
                state.steps
            );
        }
    }

    /// Whether the step closure is gone: the worker's thread has finished.
    fn thread_finished(&self) -> bool {
        self.state.lock().unwrap().dropped
    }

    /// Fails unless the step closure is gone, which happens when the
    /// worker's thread has finished. `event` names what just returned.
    fn assert_thread_finished(&self, event: &str) {
        let clause = if event == "drop" {
            "clause 3 (dropping the worker stops its thread and waits for it)"
        } else {
            "clause 2 (stop asks the thread to stop and waits for it)"
        };
        if !self.state.lock().unwrap().dropped {
            panic!(
                "{clause}: the worker's thread was still running after {event} returned: {event} must wait \
                 for the thread (join it) before returning"
            );
        }
    }
}

/// The step closure: counts its calls and holds call number `held` until
/// `gate` is raised or `hold` has passed.
struct Step {
    progress: Arc<Progress>,
    held: u64,
    hold: Duration,
    gate: Arc<Signal>,
    calls: u64,
}

impl Step {
    fn call(&mut self) {
        self.calls += 1;
        self.progress.update(|s| s.steps += 1);
        if self.calls == self.held {
            self.gate.wait(self.hold);
        }
    }
}

impl Drop for Step {
    fn drop(&mut self) {
        self.progress.update(|s| s.dropped = true);
    }
}

/// A step that holds call number `held` (0: none) for `hold` or until the
/// returned gate is raised.
fn held_step(
    held: u64,
    hold: Duration,
) -> (impl FnMut() + Send + 'static, Arc<Progress>, Arc<Signal>) {
    let progress = Arc::new(Progress::default());
    let gate = Signal::new();
    let mut step = Step {
        progress: Arc::clone(&progress),
        held,
        hold,
        gate: Arc::clone(&gate),
        calls: 0,
    };
    (move || step.call(), progress, gate)
}

/// `StoppableWorker::start(step)` with a deadline: starting a thread never
/// waits for the thread (or for a step) to run, so a start that does is
/// reported instead of hanging the test on its own thread (issue 19).
fn start_within<F>(step: F) -> StoppableWorker
where
    F: FnMut() + Send + 'static,
{
    within(
        STOP_DEADLINE,
        "clause 1 (start starts a thread and returns): StoppableWorker::start()",
        "start() must only spawn the thread and return; does it wait for the thread, or run \
         a step itself?",
        move || StoppableWorker::start(step),
    )
}

fn stop_within_deadline(worker: StoppableWorker) -> u64 {
    within(
        STOP_DEADLINE,
        "clause 2 (stop asks the thread to stop and waits for it): stop()",
        STOP_STUCK,
        move || worker.stop(),
    )
}

fn assert_count(returned: u64, progress: &Progress) {
    let observed = progress.steps();
    assert!(
        returned == observed,
        "clause 2 (stop returns how many times step ran): stop() returned {returned}, but step() \
         ran {observed} times: count every call, and \
         return the count of the thread that ran them"
    );
}

#[test]
fn stop_waits_and_returns_how_many_steps_ran() {
    let (step, progress, gate) = held_step(4, HOLD);
    let worker = start_within(step);
    progress.wait_for_steps(4); // the 4th step is now being held
    let steps = stop_within_deadline(worker);
    progress.assert_thread_finished("stop()");
    gate.raise();
    assert_count(steps, &progress);
}

#[test]
fn stopping_at_once_does_not_hang() {
    let (step, progress, gate) = held_step(1, HOLD);
    let worker = start_within(step);
    let steps = stop_within_deadline(worker);
    progress.assert_thread_finished("stop()");
    gate.raise();
    assert_count(steps, &progress);
}

#[test]
fn dropping_the_worker_stops_and_joins_it() {
    let (step, progress, gate) = held_step(4, HOLD);
    let worker = start_within(step);
    progress.wait_for_steps(4); // the 4th step is now being held
    within(
        STOP_DEADLINE,
        "clause 3 (dropping the worker stops its thread and waits for it): dropping the worker",
        STOP_STUCK,
        move || drop(worker),
    );
    progress.assert_thread_finished("drop");
    gate.raise();
}

#[test]
fn stop_blocks_instead_of_polling() {
    let (step, progress, gate) = held_step(4, SPIN_HOLD);
    let worker = start_within(step);
    progress.wait_for_steps(4); // the 4th step is now held until the gate opens
    // stop() runs on a thread the test watches through /proc, while the step
    // is held: blocked in join it sleeps in futex(2); a loop around
    // is_finished() or a flag burns CPU, or sleeps in nanosleep(2) if it
    // calls thread::sleep. The kernel says which.
    let stopping = spawn_watched("stop", move || worker.stop());
    let waiting = stopping.until_blocked();
    // Whether the worker's thread had ended before the test let its step go:
    // then stop() waited for it (the step gave up after SPIN_HOLD).
    let ended_before_the_gate = progress.thread_finished();
    gate.raise();
    let stopped = stopping.join_within(STOP_DEADLINE);
    let advice = "Block in join() instead: a thread blocked in join uses no CPU, and wakes \
                  when the worker's thread ends";
    match waiting {
        Waiting::Blocked(_) => {}
        Waiting::Spinning(cpu) => panic!(
            "clause 2 (stop waits for the thread in join, not polling): stop() used {cpu:?} of \
             CPU time while the worker finished its step: it is \
             busy-waiting (a loop around is_finished() or a flag). {advice}"
        ),
        Waiting::Polling(wakeups) => panic!(
            "clause 2 (stop waits for the thread in join, not polling): stop() polls: while the \
             worker finished its step, it slept in thread::sleep (or \
             woke up {wakeups} times) and looked again (is_finished(), or a flag). However \
             short the sleep, the thread's end cannot wake it. {advice}"
        ),
        Waiting::NeverSlept(cpu) => panic!(
            "clause 2 (stop waits for the thread in join, not polling): stop() never went to \
             sleep while the worker finished its step (it used {cpu:?} \
             of CPU time). {advice}"
        ),
        // It waited for the whole held step without ever sleeping, but used
        // too little CPU to be caught spinning (a loaded machine).
        Waiting::Returned if ended_before_the_gate && matches!(stopped, Some(Ok(_))) => panic!(
            "clause 2 (stop waits for the thread in join, not polling): stop() waited for the \
             worker's held step without ever going to sleep: it is busy-waiting (a loop around \
             is_finished() or a flag). {advice}"
        ),
        Waiting::Returned => match stopped {
            Some(Err(message)) => panic!(
                "clause 2 (stop asks the thread to stop and waits for it): stop() panicked: \
                 {message}"
            ),
            _ => panic!(
                "clause 2 (stop asks the thread to stop and waits for it): the worker's thread \
                 was still running after stop() returned: stop() must wait \
                 for the thread (join it) before returning"
            ),
        },
    }
    match stopped {
        Some(Ok(_)) => progress.assert_thread_finished("stop()"),
        Some(Err(message)) => panic!(
            "clause 2 (stop asks the thread to stop and waits for it): stop() panicked: {message}"
        ),
        None => panic!(
            "clause 2 (stop asks the thread to stop and waits for it): stop() did not return \
             within {STOP_DEADLINE:?}: {STOP_STUCK}"
        ),
    }
}

/// Starts a worker whose step panics, and returns once the step has run.
fn worker_whose_step_panics() -> StoppableWorker {
    quiet_deliberate_panics();
    let progress = Arc::new(Progress::default());
    let report = Arc::clone(&progress);
    let worker = start_within(move || {
        report.update(|s| s.steps += 1);
        panic!("the step failed {ON_PURPOSE}");
    });
    progress.wait_for_steps(1);
    worker
}

#[test]
fn a_panic_in_the_step_comes_back_from_stop() {
    let worker = worker_whose_step_panics();
    let what = "clause 4 (stop panics with the step's own message): stop()";
    let outcome = within(STOP_DEADLINE, what, STOP_STUCK, move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || worker.stop()))
    });
    match outcome {
        Ok(steps) => panic!(
            "clause 4 (stop panics with the step's own message): stop() returned {steps} \
             although step() panicked: stop must wait for the thread \
             (join it), and when join returns Err(payload) (the step panicked), stop must panic \
             with the step's own message: std::panic::resume_unwind(payload)"
        ),
        Err(payload) => {
            let message = panics::message(payload.as_ref());
            assert!(
                message == format!("the step failed {ON_PURPOSE}"),
                "clause 4 (stop panics with the step's own message): stop() panicked with \
                 {message:?}, but not with the step's own message: expected the step's own \
                 message. Re-raise the payload that join returns with std::panic::resume_unwind \
                 instead of a panic of your own"
            );
        }
    }
}

#[test]
fn dropping_a_worker_whose_step_panicked_does_not_panic() {
    let worker = worker_whose_step_panics();
    let dropped_quietly = within(
        STOP_DEADLINE,
        "clause 4 (drop ignores a panic of step): dropping the worker",
        STOP_STUCK,
        move || std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(worker))),
    );
    assert!(
        dropped_quietly.is_ok(),
        "clause 4 (drop ignores a panic of step): dropping a worker whose step panicked \
         panicked too: in Drop, ignore the Err that join \
         returns (a panic while unwinding would abort the whole program)"
    );
}
