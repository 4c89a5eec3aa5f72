//! WRONG: reaps with `waitpid(-1)`, so it also reaps children it did not start
//! EXPECT: reaped a child it did not start
//! CLAUSE: 3
//!
//! The classic shell loop. In a program where something else also starts
//! children (a library, another thread), it steals their exit status: their
//! owner's `join` then fails with ECHILD.

use std::collections::HashMap;
use std::io;

use nix::errno::Errno;
use nix::sys::wait::waitpid;

use crate::demos::process::{ExitStatus, Process, exit_status_of};

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
    let mut running: HashMap<i32, (usize, Process)> = HashMap::new();
    for (index, body) in bodies.into_iter().enumerate() {
        // SAFETY: the caller promised that every body may run in a child.
        let child = unsafe { Process::start(body) }?;
        running.insert(child.pid(), (index, child));
    }
    let mut reaped = Vec::new();
    while !running.is_empty() {
        let status = match waitpid(None, None) {
            Ok(status) => status,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        };
        let (Some(pid), Some(exit)) = (status.pid(), exit_status_of(status)) else {
            continue;
        };
        let Some((index, _)) = running.remove(&pid.as_raw()) else {
            continue; // not ours
        };
        let entry = Reaped {
            index,
            pid: pid.as_raw(),
            status: exit,
        };
        on_reaped(&entry);
        reaped.push(entry);
    }
    Ok(reaped)
}
