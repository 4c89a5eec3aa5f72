//! WRONG: reaps each child as it ends, but calls `on_reaped` only once all are reaped
//! EXPECT: only at the end
//! CLAUSE: 2
//!
//! The returned list is right. But a caller that acts on each report (starts
//! more work, releases the next child) waits for the last child first.

use std::io;
use std::os::fd::AsFd;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::demos::process::{ExitStatus, Process};

pub type Body = Box<dyn FnMut() -> i32>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reaped {
    pub index: usize,
    pub pid: i32,
    pub status: ExitStatus,
}

/// # Safety
///
/// Every body keeps to the rules of `Process::start`.
pub unsafe fn start_and_reap(
    bodies: Vec<Body>,
    mut on_reaped: impl FnMut(&Reaped),
) -> io::Result<Vec<Reaped>> {
    let mut running = Vec::new();
    for (index, body) in bodies.into_iter().enumerate() {
        // SAFETY: the caller promised that every body may run in a child.
        let child = unsafe { Process::start(body) }?;
        let pidfd = child.pidfd()?;
        running.push((index, child, pidfd));
    }
    let mut reaped = Vec::new();
    while !running.is_empty() {
        let mut fds: Vec<PollFd> = running
            .iter()
            .map(|(_, _, pidfd)| PollFd::new(pidfd.as_fd(), PollFlags::POLLIN))
            .collect();
        match poll(&mut fds, PollTimeout::NONE) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
        let ended: Vec<bool> = fds
            .iter()
            .map(|fd| fd.revents().is_some_and(|r| !r.is_empty()))
            .collect();
        for position in (0..ended.len()).rev().filter(|&p| ended[p]) {
            let (index, mut child, _) = running.remove(position);
            let status = child.join()?;
            reaped.push(Reaped {
                index,
                pid: child.pid(),
                status,
            });
        }
    }
    for entry in &reaped {
        on_reaped(entry); // everyone gets the news together
    }
    Ok(reaped)
}
