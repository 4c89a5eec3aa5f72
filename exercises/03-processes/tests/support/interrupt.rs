//! testkit's signal adversary, with the deadlines of these tests: a
//! solution that never sleeps is told so at once, as busy-waiting, instead
//! of after testkit's 20 s wait for a sleep that never comes. Chapter 4's
//! tests use this file too.

use std::fmt::Debug;
use std::time::Duration;

use testkit::signals::{Target, interrupt_each_wait};
use testkit::watch::{Waiting, spawn_watched};

/// What went wrong, in words for a student.
pub enum Failure {
    /// It never went to sleep: it spins.
    Busy(String),
    /// A signal ended its wait, or something else went wrong.
    Other(String),
}

/// Runs `work` on a watched thread; once it sleeps in a wait, sends it
/// three handled signals (each makes that wait fail with EINTR; it must
/// wait again), then calls `release` (which gives `work` what it waits
/// for) and returns what `work` returned, each step within `patience`.
pub fn interrupted_thrice<T, F, R>(patience: Duration, work: F, release: R) -> Result<T, Failure>
where
    T: Debug + Send + 'static,
    F: FnOnce() -> T + Send + 'static,
    R: FnOnce(),
{
    testkit::signals::install_noop_handler(testkit::signals::SIGNAL)
        .map_err(|e| Failure::Other(format!("the test could not install its handler: {e}")))?;
    let thread = spawn_watched("interrupted", work);
    let busy = match thread.until_blocked() {
        Waiting::Spinning(cpu) | Waiting::NeverSlept(cpu) => Some(cpu),
        _ => None,
    };
    // A solution that waits on threads of its own (a join, a channel)
    // sleeps in a futex, which std calls again after EINTR by itself: the
    // calls to interrupt are on those threads, which the test cannot name,
    // so it sends no signal then (a gap: such a solution is not checked).
    let on_a_futex = matches!(
        testkit::task::sleeping_in(thread.tid()),
        Some((_, testkit::task::SleepingIn::Futex))
    );
    let signalled = match busy {
        Some(cpu) => Err(Failure::Busy(format!(
            "busy-waiting: it used {cpu:?} of CPU time and never went to sleep while it waited"
        ))),
        None if on_a_futex => Ok(None),
        None => interrupt_each_wait(Target::thread(thread.tid()), 3, patience)
            .map(Some)
            .map_err(Failure::Other),
    };
    release();
    let result = thread.join_within(patience);
    match (signalled, result) {
        (_, Some(Err(panic))) => Err(Failure::Other(format!("it panicked: {panic}"))),
        (Err(Failure::Other(why)), Some(Ok(value))) => {
            Err(Failure::Other(format!("{why}; it returned {value:?}")))
        }
        (Err(failure), _) => Err(failure),
        (Ok(_), Some(Ok(value))) => Ok(value),
        (Ok(done), None) => Err(Failure::Other(format!(
            "it waited again after {} signals, but did not return within {patience:?} once \
             what it waited for was there",
            done.map_or(0, |done| done.times)
        ))),
    }
}
