//! Exercise 2: a reaper. Start children that end in an order nobody knows
//! in advance, and reap each one as soon as it ends, without touching any
//! other child of the process.

use std::io;

use crate::demos::process::ExitStatus;

// ANCHOR: signature
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
/// It reaps its own children and no others. Other children of this process
/// (another part of the program, another `start_and_reap` on another
/// thread) are left alone, running or not: `waitpid(-1)`, which reaps
/// whichever child ends first, would steal their exit status from whoever
/// waits for them. And it does not reap child by child in start order
/// either: waiting for child 0 first would leave child 3, which ended long
/// ago, a zombie for as long as child 0 runs.
///
/// While it waits, it sleeps until one of its children ends: no loop that
/// checks again and again, with or without a `thread::sleep` between rounds.
///
/// No child is left behind: when it returns `Ok`, all are reaped; if a fork
/// fails partway, the children already started are killed and reaped before
/// the error is returned. An empty `bodies` returns an empty list at once.
///
/// # Safety
///
/// Every body runs in a forked child: each must keep to the rules of
/// [`Process::start`](crate::demos::process::Process::start).
pub unsafe fn start_and_reap(
    bodies: Vec<Body>,
    on_reaped: impl FnMut(&Reaped),
) -> io::Result<Vec<Reaped>> {
    // ANCHOR_END: signature
    // TODO: start every body with `Process::start` (it is an `unsafe fn`:
    // say in a SAFETY comment why the bodies may run in a forked child).
    // Then wait for whichever of *your* children ends first, reap it, report
    // it, and again until all are reaped. The hint has two ways to wait for
    // "any of these children" and not "any child".
    let _ = (bodies, on_reaped);
    todo!("start all the children, then reap each of them (and no other child) as it ends")
}
