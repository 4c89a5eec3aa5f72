//! Exercise 1: join with a timeout, Python's `p.join(timeout)`.

use std::io;
use std::time::Duration;

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
// ANCHOR: signature
pub fn join_timeout(process: &mut Process, timeout: Duration) -> io::Result<Option<ExitStatus>> {
    // ANCHOR_END: signature
    // TODO: check once with `process.try_join()` (it never blocks). Then
    // wait until the child ends or the time is up, without spinning: the
    // thread must sleep while it waits (see the hint for two ways).
    let _ = (process, timeout);
    todo!("wait for at most `timeout` for the child to end, sleeping while you wait")
}
