//! How a throughput row is timed: the process start stays outside the clock.
//!
//! A row in items or bytes per second measures a steady state: messages
//! flowing between processes that already run. Forking the child, and
//! waiting for it at the end, is start-up: it has rows of its own (the
//! `process` group). Mixing the two makes a short run look slow for the
//! wrong reason (a fork costs as much as a few hundred 64 KiB messages here).
//!
//! So every throughput workload that needs a child starts it with
//! [`start_at_line`] *before* its clock starts: the child runs up to a start
//! line (it says "ready" through one pipe and waits for "go" on another),
//! then [`timed`] runs the transfer with the clock on, and [`Child::join`]
//! reaps the child after the clock stopped. Python's side does the same
//! (`python/steady.py`), with the same number of messages per measurement.
//!
//! The pipe rows also run both processes on one CPU ([`one_cpu`]): on the
//! virtual machines this book was measured on, waking a process on the
//! other CPU costs more than copying 64 KiB, and where the scheduler puts
//! the two processes changes from run to run (the same C loop moves about
//! 1 GiB/s across two CPUs and 3 GiB/s on one). On one CPU the figure is the
//! pipe's; Python's side is pinned the same way.
//!
//! [`start_at_line`] refuses to run inside [`timed`]: a workload that forks
//! while its clock runs panics, so a row cannot mix start-up into its
//! figure by accident (the benchmark crate's tests run every workload).

use std::cell::Cell;
use std::io::{self, PipeWriter, Read, Write};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::unistd::Pid;
use processes::demos::process::{ExitStatus, Process};

thread_local! {
    /// True while this thread runs the timed part of a workload.
    static CLOCK_RUNNING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `transfer` with the clock on and returns its result and how long it
/// took. No process may be started inside (see [`start_at_line`]).
pub fn timed<T>(transfer: impl FnOnce() -> T) -> (T, Duration) {
    struct Stop;
    impl Drop for Stop {
        fn drop(&mut self) {
            CLOCK_RUNNING.with(|running| running.set(false));
        }
    }
    CLOCK_RUNNING.with(|running| running.set(true));
    let _stop = Stop;
    let start = Instant::now();
    let value = transfer();
    (value, start.elapsed())
}

/// Keeps the calling thread, and every process it forks meanwhile, on the
/// CPU it runs on now; the thread's former CPU set comes back on drop.
pub struct OneCpu {
    before: CpuSet,
}

/// Pins the calling thread to its current CPU until the guard is dropped
/// (see the module documentation for why the pipe rows do it).
pub fn one_cpu() -> OneCpu {
    let me = Pid::from_raw(0);
    let before = sched_getaffinity(me).expect("sched_getaffinity failed");
    // SAFETY: sched_getcpu takes no arguments and only returns a number.
    let cpu = unsafe { nix::libc::sched_getcpu() };
    let mut only = CpuSet::new();
    only.set(usize::try_from(cpu).unwrap_or(0))
        .expect("a CPU number beyond CpuSet's size");
    sched_setaffinity(me, &only).expect("sched_setaffinity failed");
    OneCpu { before }
}

impl Drop for OneCpu {
    fn drop(&mut self) {
        let _ = sched_setaffinity(Pid::from_raw(0), &self.before);
    }
}

/// A child process waiting at the start line (see [`start_at_line`]).
pub struct Child {
    process: Process,
    go: PipeWriter,
}

/// Forks a child that runs `body` once the parent calls [`Child::go`], and
/// returns when the child has reached the start line. `body`'s return value
/// is the child's exit code.
///
/// # Panics
///
/// Inside [`timed`]: the fork would be counted in a throughput figure. Also
/// when the fork fails or the child dies before the line.
///
/// # Safety
///
/// `body` runs in a forked child: it must keep the contract of
/// [`Process::start`]. Before `body`, the child only writes a byte to a pipe
/// and reads one from another (`write(2)` and `read(2)`, async-signal-safe).
pub unsafe fn start_at_line(mut body: impl FnMut() -> i32) -> Child {
    assert!(
        !CLOCK_RUNNING.with(Cell::get),
        "a process was started while the clock runs: its start-up would be counted in a \
         throughput figure. Start it with start_at_line before `timed`, and time only the transfer"
    );
    let (mut ready_rx, mut ready_tx) = io::pipe().expect("pipe failed");
    let (mut go_rx, go) = io::pipe().expect("pipe failed");
    let parents_go = go.as_raw_fd();
    // SAFETY: the child closes a descriptor, writes one byte, reads one byte
    // (close(2), write(2), read(2): async-signal-safe), then runs `body`,
    // which keeps `start`'s contract (our caller's promise).
    let process = unsafe {
        Process::start(move || {
            // The child's copy of the parent's end of the go pipe: closed, so
            // that a parent that dies before "go" gives this child
            // end-of-file instead of a wait for ever. The child never uses
            // (or drops) the `PipeWriter` it inherited.
            let _ = nix::unistd::close(parents_go);
            let mut byte = [0_u8; 1];
            if ready_tx.write_all(&[1]).is_err() || go_rx.read_exact(&mut byte).is_err() {
                return 2;
            }
            body()
        })
    }
    .expect("fork failed");
    // `start` dropped the parent's copies of `ready_tx` and `go_rx`, so a
    // child that dies before the line gives end-of-file here, not a hang.
    if let Err(error) = ready_rx.read_exact(&mut [0_u8; 1]) {
        panic!("the child died before the start line: {error}");
    }
    Child { process, go }
}

impl Child {
    /// Lets the child start its work. Call it first thing inside [`timed`].
    pub fn go(&mut self) {
        self.go
            .write_all(&[1])
            .expect("the child died at the start line");
    }

    /// Waits for the child (after the clock stopped) and returns how it ended.
    pub fn join(mut self) -> ExitStatus {
        self.process.join().expect("waitpid failed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_started_while_the_clock_runs_is_refused() {
        let refused = std::panic::catch_unwind(|| {
            timed(|| {
                // SAFETY: never reached: `start_at_line` panics before the fork.
                let _ = unsafe { start_at_line(|| 0) };
            })
        })
        .expect_err("a fork inside the timed part must be refused");
        let message = refused
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| refused.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        assert!(
            message.contains("while the clock runs"),
            "the refusal should say why: {message}"
        );
    }

    #[test]
    fn a_child_at_the_line_runs_its_body_after_go_and_outside_the_clock() {
        // SAFETY: the body only returns a number.
        let mut child = unsafe { start_at_line(|| 7) };
        let ((), _took) = timed(|| child.go());
        assert_eq!(child.join(), ExitStatus::Exited(7));
        // The clock is off again: starting another child is allowed.
        // SAFETY: as above.
        let mut child = unsafe { start_at_line(|| 0) };
        drop(child.go);
        assert_eq!(
            child.process.join().map(|status| status.success()).ok(),
            Some(false),
            "a child whose go pipe closes leaves with code 2, never runs its body"
        );
    }
}
