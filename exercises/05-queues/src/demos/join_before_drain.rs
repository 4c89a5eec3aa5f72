//! Python's documented pitfall: joining a process that has put items on a
//! queue before the items are taken.
//!
//! What this queue changes, exactly: when `send` returns, the item is in the
//! kernel's pipe (or in the shared file), not in a feeder thread of the
//! producer, so a producer that has returned from all its sends can exit,
//! and joining it before draining does not hang however *big* the items are
//! (a big item costs the pipe a frame of a few bytes). What it does not
//! change: the pipe holds 64 KiB of frames, so many *small* items (a few
//! thousand frames of up to 4 KiB each) still fill it, and then the
//! producer's `send` blocks until someone takes an item. A parent that joins
//! such a producer before draining still waits for ever; the wait is in the
//! producer's `send`, not after its last line. A bounded queue makes that
//! limit explicit.

use std::io;

use processes::demos::process::{ExitStatus, Process};

use super::queue::queue;

// ANCHOR: join_then_drain
/// A producer puts `count` items of `size` bytes and exits; the parent joins
/// it *before* taking anything, then drains the queue.
///
/// Returns for any `size` as long as the `count` frames fit in the pipe
/// (64 KiB): items larger than one frame spill and cost a few bytes each,
/// small ones cost their own size. Past that, the join waits for ever, as in
/// Python.
pub fn join_then_drain(count: usize, size: usize) -> io::Result<(ExitStatus, Vec<Vec<u8>>)> {
    let (tx, rx) = queue::<Vec<u8>>()?;
    // SAFETY: the child sends or receives on the queue (read, write and fallocate
    // system calls on pipes and a file, plus encoding, which allocates:
    // allowed, glibc's malloc survives fork).
    let mut producer = unsafe {
        Process::start(move || {
            for n in 0..count {
                if tx.send(&vec![n as u8; size]).is_err() {
                    return 1;
                }
            }
            0
        })
    }?;

    let status = producer.join()?; // Python hangs here with big items
    let mut items = Vec::new();
    while let Some(item) = rx.recv()? {
        items.push(item);
    }
    Ok((status, items))
}
// ANCHOR_END: join_then_drain
