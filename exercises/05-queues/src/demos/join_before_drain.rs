//! Python's documented pitfall: joining a process that has put items on a
//! queue before the items are taken. This queue does not have it.

use std::io;

use processes::demos::process::{ExitStatus, Process};

use super::queue::queue;

// ANCHOR: join_then_drain
/// A producer puts `count` items of `size` bytes and exits; the parent joins
/// it *before* taking anything, then drains the queue.
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
