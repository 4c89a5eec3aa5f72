//! Exercise 2: a reaper. Start children that end in an order nobody knows
//! in advance, and reap each one as soon as it ends.

use std::io;

use crate::demos::process::ExitStatus;

// ANCHOR: signature
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
    on_reaped: impl FnMut(&Reaped),
) -> io::Result<Vec<Reaped>> {
    // ANCHOR_END: signature
    // TODO: start every body with `Process::start` (keep a map from pid to
    // index), then loop on `nix::sys::wait::waitpid(None, None)` until all
    // are reaped, turning each status into an `ExitStatus` with
    // `crate::demos::process::exit_status_of`.
    let _ = (bodies, on_reaped);
    todo!("start all the children, then reap them in the order they end with waitpid(-1)")
}
