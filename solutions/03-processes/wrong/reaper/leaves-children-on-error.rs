//! WRONG: a pidfd per child, but an error (here: pidfd_open refused) is returned with the children already started still there
//! EXPECT: left a child it started behind
//! CLAUSE: 6
//!
//! Right while every call succeeds. When one fails halfway, the children
//! started so far are left running, or as zombies nobody will reap.

use std::io;
use std::os::fd::{AsFd, OwnedFd};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::demos::process::{ExitStatus, Process};

/// What a child runs; its return value is its exit code. It must keep to
/// the rules of [`Process::start`](crate::demos::process::Process::start)
/// (the tests' bodies do).
pub type Body = Box<dyn FnMut() -> i32>;

/// One reaped child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reaped {
    /// Its position in the `bodies` given to [`start_and_reap`].
    pub index: usize,
    /// Its process id.
    pub pid: i32,
    /// How it ended.
    pub status: ExitStatus,
}

/// Starts one child per body (child `i` runs `bodies[i]`), all at once, then
/// reaps them in the order they end. For each, as soon as it is reaped, calls
/// `on_reaped` and records it; returns them all, in that order.
///
/// It reaps its own children and no others: it waits on one pidfd per
/// child, never with `waitpid(-1)`, which would steal the exit status of a
/// child that someone else started and waits for.
///
/// No child is left behind: when it returns `Ok`, all are reaped; on an
/// error (a fork that fails partway, say), the children still running are
/// killed and reaped before the error is returned.
///
/// # Safety
///
/// Every body runs in a forked child: each must keep to the rules of
/// [`Process::start`](crate::demos::process::Process::start).
pub unsafe fn start_and_reap(
    bodies: Vec<Body>,
    mut on_reaped: impl FnMut(&Reaped),
) -> io::Result<Vec<Reaped>> {
    let mut running: Vec<Child> = Vec::with_capacity(bodies.len());
    let mut reaped = Vec::with_capacity(bodies.len());
    // SAFETY: our caller promised that every body may run in a forked child.
    let outcome = unsafe { start_all(bodies, &mut running) }
        .and_then(|()| reap_all(&mut running, &mut on_reaped, &mut reaped));
    outcome.map(|()| reaped)
}

/// A started child: its index, its handle, and a pidfd that `poll`
/// reports readable once it has ended.
struct Child {
    index: usize,
    process: Process,
    pidfd: OwnedFd,
}

/// # Safety
///
/// Every body keeps to the rules of `Process::start`.
unsafe fn start_all(bodies: Vec<Body>, running: &mut Vec<Child>) -> io::Result<()> {
    for (index, body) in bodies.into_iter().enumerate() {
        // SAFETY: our caller promised that every body keeps to
        // `Process::start`'s rules.
        let mut process = unsafe { Process::start(body) }?;
        match process.pidfd() {
            Ok(pidfd) => running.push(Child {
                index,
                process,
                pidfd,
            }),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn reap_all(
    running: &mut Vec<Child>,
    on_reaped: &mut impl FnMut(&Reaped),
    reaped: &mut Vec<Reaped>,
) -> io::Result<()> {
    while !running.is_empty() {
        // Sleep until at least one of *our* children has ended.
        let mut fds: Vec<PollFd> = running
            .iter()
            .map(|child| PollFd::new(child.pidfd.as_fd(), PollFlags::POLLIN))
            .collect();
        match poll(&mut fds, PollTimeout::NONE) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
        let ended: Vec<bool> = fds
            .iter()
            .map(|fd| fd.revents().is_some_and(|r| !r.is_empty()))
            .collect();
        // From the back, so that `remove` does not shift what is left to do.
        for position in (0..ended.len()).rev().filter(|&p| ended[p]) {
            let mut child = running.remove(position);
            // It has ended: join reaps it at once, and only it.
            let status = child.process.join()?;
            let entry = Reaped {
                index: child.index,
                pid: child.process.pid(),
                status,
            };
            on_reaped(&entry);
            reaped.push(entry);
        }
    }
    Ok(())
}
