//! WRONG: a pidfd with `poll`, but a poll that fails with EINTR is returned as the error
//! EXPECT: a handled signal during its wait
//! CLAUSE: 6
//!
//! Right until a signal handler runs while it waits (a timer, SIGCHLD with
//! a handler, a profiler): poll fails with EINTR, and the caller gets an
//! error although nothing went wrong and the child still runs.

use std::io;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::demos::process::{ExitStatus, Process};

/// Waits for `process` to end, for at most `timeout`.
///
/// * `Ok(Some(status))` as soon as the child has ended (or if it had ended
///   before): it is reaped, so no zombie is left, and a later `join` returns
///   the same status.
/// * `Ok(None)` if it is still running once `timeout` has passed. The child
///   is left running, untouched: join it or kill it later.
/// * A `timeout` of zero only checks, without waiting.
///
/// It returns as soon as the child ends, not at the end of the timeout, and
/// it does not burn the CPU while it waits (no loop that checks again and
/// again without sleeping). Python's `join(timeout)` returns `None` in both cases and leaves you to
/// look at `exitcode`; this one says which.
pub fn join_timeout(process: &mut Process, timeout: Duration) -> io::Result<Option<ExitStatus>> {
    // First a check that never blocks. It also guarantees that the pid is
    // still ours below: an unreaped child's pid cannot be reused.
    if let Some(status) = process.try_join()? {
        return Ok(Some(status));
    }
    let give_up_at = Instant::now() + timeout;
    let pidfd = match process.pidfd() {
        Ok(fd) => fd,
        // Kernels before 5.3 have no pidfd (ENOSYS), and a seccomp profile
        // may refuse the call (EPERM): then poll the old way.
        Err(e) if matches!(e.raw_os_error(), Some(nix::libc::ENOSYS | nix::libc::EPERM)) => {
            return poll_with_sleeps(process, give_up_at);
        }
        Err(e) => return Err(e),
    };
    loop {
        let left = give_up_at.saturating_duration_since(Instant::now());
        // A pidfd becomes readable when its process ends.
        let mut fds = [PollFd::new(pidfd.as_fd(), PollFlags::POLLIN)];
        // poll counts whole milliseconds. Rounded down, the last 0.4 ms
        // would be a poll(0) that returns at once, again and again: a busy
        // loop. Rounded up, it sleeps 1 ms, at most 1 ms past the timeout.
        let wait =
            PollTimeout::try_from(left.as_micros().div_ceil(1000)).unwrap_or(PollTimeout::MAX);
        match poll(&mut fds, wait) {
            Ok(_) => {} // ended, or time is up
            Err(e) => return Err(e.into()),
        }
        if let Some(status) = process.try_join()? {
            return Ok(Some(status));
        }
        if Instant::now() >= give_up_at {
            return Ok(None);
        }
    }
}
/// The portable fallback: check, sleep a little (longer each time), check.
fn poll_with_sleeps(process: &mut Process, give_up_at: Instant) -> io::Result<Option<ExitStatus>> {
    let mut nap = Duration::from_micros(100);
    loop {
        if let Some(status) = process.try_join()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= give_up_at {
            return Ok(None);
        }
        std::thread::sleep(nap.min(give_up_at - now));
        nap = (nap * 2).min(Duration::from_millis(10));
    }
}
