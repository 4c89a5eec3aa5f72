//! WRONG: reaps any child with `waitpid(-1)` until ECHILD says none is left
//! EXPECT: a child it did not start
//! CLAUSE: 3
//!
//! "No children left" means no children of the *process*: with another
//! child running, one that this function did not start, it never returns.

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
    let mut index_of: HashMap<i32, usize> = HashMap::new();
    for (index, body) in bodies.into_iter().enumerate() {
        // SAFETY: the caller promised that every body may run in a child.
        let child = unsafe { Process::start(body) }?;
        index_of.insert(child.pid(), index);
    }
    let mut reaped = Vec::new();
    loop {
        let status = match waitpid(None, None) {
            Ok(status) => status,
            Err(Errno::EINTR) => continue,
            Err(Errno::ECHILD) => return Ok(reaped), // nobody left
            Err(e) => return Err(e.into()),
        };
        let (Some(pid), Some(exit)) = (status.pid(), exit_status_of(status)) else {
            continue;
        };
        if let Some(&index) = index_of.get(&pid.as_raw()) {
            let entry = Reaped {
                index,
                pid: pid.as_raw(),
                status: exit,
            };
            on_reaped(&entry);
            reaped.push(entry);
        }
    }
}
