//! Exercise 2, solved.

use std::collections::HashMap;
use std::io;

use nix::errno::Errno;
use nix::sys::wait::waitpid;

use crate::demos::process::{ExitStatus, Process, exit_status_of};

/// What a child runs; its return value is its exit code.
pub type Body = Box<dyn FnOnce() -> i32>;

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

// ANCHOR: solution
/// Starts one child per body (child `i` runs `bodies[i]`), all at once, then
/// reaps them in the order they end. For each, as soon as it is reaped, calls
/// `on_reaped` and records it; returns them all, in that order.
///
/// It waits with `waitpid(-1)` (any child), not child by child: waiting for
/// child 0 first would leave child 3, which ended long ago, a zombie for as
/// long as child 0 runs, and would report in start order, not end order.
/// So it reaps *any* child of this process: a child it did not start is
/// reaped too and left out of the report. Nothing else in the process may
/// wait for children meanwhile (a shell's or an init's situation).
///
/// No child is left behind: when it returns `Ok`, all are reaped; if a fork
/// fails partway, the children already started are killed and reaped before
/// the error is returned. An empty `bodies` returns an empty list at once.
pub fn start_and_reap(
    bodies: Vec<Body>,
    mut on_reaped: impl FnMut(&Reaped),
) -> io::Result<Vec<Reaped>> {
    // pid -> (index, handle); the handle is only used to kill on failure.
    let mut running: HashMap<i32, (usize, Process)> = HashMap::new();
    for (index, body) in bodies.into_iter().enumerate() {
        match Process::start(body) {
            Ok(child) => {
                running.insert(child.pid(), (index, child));
            }
            Err(e) => {
                for (_, (_, mut child)) in running.drain() {
                    let _ = child.kill();
                    let _ = child.join();
                }
                return Err(e);
            }
        }
    }
    let mut reaped = Vec::with_capacity(running.len());
    while !running.is_empty() {
        let status = match waitpid(None, None) {
            Ok(status) => status,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        };
        let (Some(pid), Some(exit)) = (status.pid(), exit_status_of(status)) else {
            continue; // stopped or continued, not ended
        };
        let Some((index, _handle)) = running.remove(&pid.as_raw()) else {
            continue; // not one of ours: reaped, and not ours to report
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
// ANCHOR_END: solution
