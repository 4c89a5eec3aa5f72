//! Helpers shared by the exercise tests of chapter 1 (`mod common;` in each
//! test file; this folder is not a test of its own). What other chapters'
//! tests need too (quiet deliberate panics, a thread's CPU time) is in
//! testkit.
//!
//! How the deadlines were chosen: a wrong solution must fail its test binary
//! within 10 s on an idle machine, and tests run two at a time. Threads that
//! really run at once meet within milliseconds even on a loaded 2-core
//! machine, so [`MEET`] (3 s) only tells "slow" from "never" with a wide
//! margin, and [`CALL_DEADLINE`] (6 s) bounds one call of a student's function
//! that contains such a meeting. Two tests that each hit one of them finish
//! well under 10 s together.

#![allow(dead_code)] // each test file uses some of these

use std::cell::RefCell;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long threads that must run at the same time wait for each other.
pub const MEET: Duration = Duration::from_secs(3);

/// How long one call of the student's function may take.
pub const CALL_DEADLINE: Duration = Duration::from_secs(6);

/// Makes workers finish in reverse order, whatever the scheduler does: worker
/// `i` returns only once the *thread* of worker `i + 1` has ended. A thread's
/// end is seen through a thread-local value whose destructor runs when the
/// thread exits, after it has handed its result over (to `join`, a channel
/// or a shared Vec). So results collected in finishing order come out exactly
/// reversed, every time.
#[derive(Debug)]
pub struct ReverseFinish {
    ended: Mutex<Vec<bool>>,
    changed: Condvar,
}

thread_local! {
    static END_OF_THREAD: RefCell<Option<ThreadEnd>> = const { RefCell::new(None) };
}

struct ThreadEnd {
    order: Arc<ReverseFinish>,
    worker: usize,
}

impl Drop for ThreadEnd {
    fn drop(&mut self) {
        let mut ended = self
            .order
            .ended
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        ended[self.worker] = true;
        self.order.changed.notify_all();
    }
}

impl ReverseFinish {
    pub fn new(workers: usize) -> Arc<ReverseFinish> {
        Arc::new(ReverseFinish {
            ended: Mutex::new(vec![false; workers]),
            changed: Condvar::new(),
        })
    }

    /// Called by worker `worker` on its own thread: registers the end of
    /// this thread, then waits (at most [`MEET`]) for the end of the next
    /// worker's thread. `Err` says what it waited for in vain.
    pub fn finish_after_next(self: &Arc<Self>, worker: usize) -> Result<(), String> {
        END_OF_THREAD.with(|slot| {
            *slot.borrow_mut() = Some(ThreadEnd {
                order: Arc::clone(self),
                worker,
            });
        });
        let next = worker + 1;
        let mut ended = self.ended.lock().unwrap_or_else(|p| p.into_inner());
        if next >= ended.len() {
            return Ok(());
        }
        let give_up_at = Instant::now() + MEET;
        while !ended[next] {
            let now = Instant::now();
            if now >= give_up_at {
                return Err(format!(
                    "worker {worker} waited {MEET:?} for the thread of worker {next} to end"
                ));
            }
            ended = self
                .changed
                .wait_timeout(ended, give_up_at - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        Ok(())
    }
}

/// A flag that a test raises once, and that workers can wait for with a
/// deadline.
#[derive(Debug, Default)]
pub struct Signal {
    raised: Mutex<bool>,
    changed: Condvar,
}

impl Signal {
    pub fn new() -> Arc<Signal> {
        Arc::new(Signal::default())
    }

    pub fn raise(&self) {
        *self.raised.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.changed.notify_all();
    }

    pub fn is_raised(&self) -> bool {
        *self.raised.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until the flag is raised or `deadline` has passed; says which.
    pub fn wait(&self, deadline: Duration) -> bool {
        let raised = self.raised.lock().unwrap_or_else(|p| p.into_inner());
        let (raised, _) = self
            .changed
            .wait_timeout_while(raised, deadline, |raised| !*raised)
            .unwrap_or_else(|p| p.into_inner());
        *raised
    }
}

/// If `got` holds the same entries as `expected` in another order, the
/// message for it: results were collected in the order the threads finished.
pub fn order_problem<T: PartialEq + std::fmt::Debug>(
    got: &[T],
    expected: &[T],
    what: &str,
) -> Option<String> {
    if got == expected || got.len() != expected.len() {
        return None;
    }
    let mut unused: Vec<&T> = expected.iter().collect();
    for item in got {
        let at = unused.iter().position(|e| *e == item)?;
        unused.swap_remove(at);
    }
    Some(format!(
        "{what} are all there but in another order, whichever thread finishes first decides it: \
         entry i must belong to input i. Keep the JoinHandles in input order and join them in that \
         order (or put each result in its place by index).\n  got:      {got:?}\n  expected: {expected:?}"
    ))
}
