//! WRONG: a pidfd with `poll`, but the time left is rounded down to whole milliseconds
//! EXPECT: busy-waiting
//! CLAUSE: 5
//!
//! `PollTimeout::try_from(Duration)` truncates: with 0.9 ms left it asks for
//! 0 ms, `poll` returns at once, and the loop spins until the deadline. Every
//! timeout ends with up to a millisecond of busy-waiting; round up instead.

use std::io;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::demos::process::{ExitStatus, Process};

pub fn join_timeout(process: &mut Process, timeout: Duration) -> io::Result<Option<ExitStatus>> {
    if let Some(status) = process.try_join()? {
        return Ok(Some(status));
    }
    let give_up_at = Instant::now() + timeout;
    let pidfd = process.pidfd()?;
    loop {
        let left = give_up_at.saturating_duration_since(Instant::now());
        let mut fds = [PollFd::new(pidfd.as_fd(), PollFlags::POLLIN)];
        let wait = PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX);
        match poll(&mut fds, wait) {
            Ok(_) | Err(Errno::EINTR) => {}
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
