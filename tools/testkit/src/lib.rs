//! Helpers shared by the tests of every chapter.
//!
//! Tests of concurrent code in this project follow three rules, and this crate
//! is where they live so that no chapter writes them again:
//!
//! * **A deadline on everything that can block.** [`within`] runs a closure on
//!   its own thread and fails the test with a message naming the likely cause
//!   when it does not finish in time, instead of hanging the test run.
//! * **Rendezvous instead of sleeps.** [`Rendezvous`] is a barrier whose
//!   `wait` gives up after a deadline. Workers that really run at the same time
//!   all arrive; workers that run one after the other never do, and the test
//!   says so.
//! * **Programs checked from outside.** [`bin_path!`] finds a chapter's
//!   program and [`run_program`] runs it with a deadline, killing it if it
//!   overstays, and returns what it printed; [`run_command`] also gives a
//!   program less time to print its first line than to finish.
//! * **Act when the kernel says so.** [`task`] reads a thread's state from
//!   `/proc/self/task` (through [`proc`], the one reader of `/proc`): a test
//!   waits until the code under test is asleep in its wait before it changes
//!   what that code waits for; [`watch`] spawns threads and says whether they
//!   block, spin or poll; [`stuck`] says what the children of a test that
//!   hung are doing.
//! * **Quiet deliberate panics.** [`panics`] keeps the panics a test causes on
//!   purpose out of the output, so the first message is the one that counts.
//! * **No process or descriptor left behind.** [`process_scope`] serializes
//!   the tests that fork or wait and, when the test ends, fails it if a child,
//!   a zombie, an orphaned grandchild or a new file descriptor remains.

mod hygiene;
pub use hygiene::{
    PipeEnd, PipeMode, ProcessScope, pipe_ends, pipe_inode, process_scope, read_ends_of,
    write_ends_of,
};
pub mod panics;
pub mod proc;
mod run;
pub mod signals;
pub use run::{Limits, NotRun, ProgramRun, run_command, run_program};
pub mod stuck;
pub mod syscalls;
pub mod task;
pub mod threads;
pub mod watch;

use std::sync::mpsc;
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The deadline used when a test has no better idea. Generous on purpose: a
/// loaded CI machine can be slow, and a deadline only has to tell "slow" from
/// "never".
pub const DEADLINE: Duration = Duration::from_secs(20);

/// Runs `work` on a new thread and returns its result, or panics with
/// `"{what} did not finish within {deadline:?}: {likely_cause}"`.
///
/// A panic inside `work` is re-raised in the caller with its own message, so
/// the student sees the assertion that failed, not a generic error.
///
/// If the deadline passes, the stuck thread is left behind: the test fails
/// and the test process ends anyway, which is what we want from a deadlock.
pub fn within<T, F>(deadline: Duration, what: &str, likely_cause: &str, work: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    match finish_within(format!("deadline: {what}"), deadline, work) {
        Some(value) => value,
        None => panic!("{what} did not finish within {deadline:?}: {likely_cause}"),
    }
}

/// Runs `work` on a new thread called `name` and returns its result, or
/// `None` if it has not finished after `deadline` (the thread is left
/// behind). A panic inside `work` is raised again here, with its own message.
pub(crate) fn finish_within<T, F>(name: String, deadline: Duration, work: F) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let worker = thread::Builder::new()
        .name(name)
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            let _ = tx.send(outcome);
        })
        .expect("testkit: could not spawn the deadline thread");
    match rx.recv_timeout(deadline) {
        Ok(Ok(value)) => {
            let _ = worker.join();
            Some(value)
        }
        Ok(Err(panic)) => {
            let _ = worker.join();
            std::panic::resume_unwind(panic)
        }
        Err(_) => None,
    }
}

/// A meeting point for `parties` threads, with a deadline.
///
/// Unlike [`std::sync::Barrier`], [`Rendezvous::wait`] gives up: if the other
/// parties do not all arrive in time it returns [`Missed`], which says how many
/// did. That is how a test proves that threads overlap: if they ran one after
/// the other, they would never all be waiting at once.
#[derive(Debug)]
pub struct Rendezvous {
    parties: usize,
    state: Mutex<RendezvousState>,
    all_here: Condvar,
}

#[derive(Debug)]
struct RendezvousState {
    arrived: usize,
    generation: u64,
}

/// Returned by [`Rendezvous::wait`] when the deadline passed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missed {
    /// How many parties were waiting (this one included) when it gave up.
    pub arrived: usize,
    /// How many were expected.
    pub parties: usize,
}

impl std::fmt::Display for Missed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "only {} of {} threads were waiting at the same time",
            self.arrived, self.parties
        )
    }
}

impl Rendezvous {
    /// A rendezvous for `parties` threads. Panics if `parties` is 0.
    pub fn new(parties: usize) -> Self {
        assert!(parties > 0, "a rendezvous needs at least one party");
        Rendezvous {
            parties,
            state: Mutex::new(RendezvousState {
                arrived: 0,
                generation: 0,
            }),
            all_here: Condvar::new(),
        }
    }

    /// Waits until all parties have called `wait`, or until `deadline` passes.
    /// Reusable: once everyone has met, the next `parties` calls meet again.
    pub fn wait(&self, deadline: Duration) -> Result<(), Missed> {
        let give_up_at = Instant::now() + deadline;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let generation = state.generation;
        state.arrived += 1;
        if state.arrived == self.parties {
            state.arrived = 0;
            state.generation += 1;
            self.all_here.notify_all();
            return Ok(());
        }
        loop {
            let now = Instant::now();
            if now >= give_up_at {
                let missed = Missed {
                    arrived: state.arrived,
                    parties: self.parties,
                };
                state.arrived -= 1;
                return Err(missed);
            }
            state = self
                .all_here
                .wait_timeout(state, give_up_at - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
            if state.generation != generation {
                return Ok(());
            }
        }
    }
}

/// Sends this process's descriptor 2 to `/dev/null`. For a forked child
/// that a test makes fail on purpose (a panic it expects), so that the
/// child's panic report, written straight to descriptor 2, does not show in
/// the test run as if something were wrong. Never call it in the test
/// process itself. Uses only `open`, `dup2` and `close`, which are
/// async-signal-safe.
pub fn silence_stderr() {
    // SAFETY: a constant C string; open returns a new descriptor or -1.
    let null = unsafe { nix::libc::open(c"/dev/null".as_ptr(), nix::libc::O_WRONLY) };
    if null >= 0 {
        // SAFETY: dup2 and close on descriptors this process owns: `null`,
        // just opened, replaces 2, then goes.
        unsafe {
            nix::libc::dup2(null, 2);
            nix::libc::close(null);
        }
    }
}

/// The path of a chapter program (`src/bin/<name>.rs` of an exercise crate),
/// for a test that checks the program from outside.
///
/// The exercise crate builds it as `<name>`; the solution crate, which runs the
/// very same test files, builds it from the same source as `sol_<name>` (two
/// packages of one workspace may not share a binary name). Cargo tells an
/// integration test where the binaries of its own package are, through
/// `CARGO_BIN_EXE_<name>`; this macro picks whichever one exists.
#[macro_export]
macro_rules! bin_path {
    ($name:literal) => {
        match option_env!(concat!("CARGO_BIN_EXE_", $name)) {
            Some(path) => path,
            None => match option_env!(concat!("CARGO_BIN_EXE_sol_", $name)) {
                Some(path) => path,
                None => panic!(concat!(
                    "this package has no program named `",
                    $name,
                    "` (src/bin/",
                    $name,
                    ".rs in the exercise crate, `sol_",
                    $name,
                    "` in the solution crate's Cargo.toml)"
                )),
            },
        }
    };
}

/// How loaded the machine is: the 1-minute load average per core, at least 1
/// and at most 3. A deadline that exists to fail a wrong solution *quickly*
/// (rather than to catch one that never ends) can be stretched by it, so
/// that a correct program that was merely starved of CPU is not mistaken for
/// a stuck one. `cargo course verify` bounds a wrong solution's failure time
/// by the same factor.
pub fn load_factor() -> f64 {
    let cores = thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse::<f64>().ok())
        .unwrap_or(0.0);
    (load / cores).clamp(1.0, 3.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn rendezvous_meets_when_all_parties_arrive() {
        let meet = Arc::new(Rendezvous::new(3));
        let handles: Vec<_> = (0..3)
            .map(|_| {
                let meet = Arc::clone(&meet);
                thread::spawn(move || meet.wait(DEADLINE))
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), Ok(()));
        }
    }

    #[test]
    fn rendezvous_reports_how_many_arrived_when_it_gives_up() {
        let meet = Rendezvous::new(2);
        assert_eq!(
            meet.wait(Duration::from_millis(20)),
            Err(Missed {
                arrived: 1,
                parties: 2
            })
        );
    }

    #[test]
    fn within_returns_the_value() {
        assert_eq!(within(DEADLINE, "adding", "none", || 2 + 2), 4);
    }

    #[test]
    #[should_panic(expected = "stuck did not finish within")]
    fn within_fails_with_the_likely_cause() {
        let (_keep, rx) = mpsc::channel::<()>();
        within(
            Duration::from_millis(20),
            "stuck",
            "nobody sends",
            move || {
                let _ = rx.recv();
            },
        );
    }

    #[test]
    #[should_panic(expected = "the inner assertion")]
    fn within_reraises_the_workers_panic() {
        within(DEADLINE, "panicking", "none", || {
            panic!("the inner assertion")
        });
    }
}
