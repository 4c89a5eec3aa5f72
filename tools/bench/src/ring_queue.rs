//! Chapter 5's shared-memory ring, measured like the pipe queue beside it
//! (`queue/small_items` in [`crate::workloads`]): a producer process puts
//! `iters` small items (`u64`) in the ring, the parent takes them until the
//! ring ends.

use std::time::Duration;

use queues::demos::ring::ring;

/// Slots in the measured ring: 1024 of 64 bytes, the 64 KiB a pipe buffers.
pub const RING_SLOTS: usize = 1024;

/// One producer process, the parent consuming, through chapter 5's ring.
pub fn ring_items(iters: u64) -> Duration {
    // Split in one process and the producer forked below: the child keeps
    // copies of the consumer's pipe ends, so it would not see the parent die
    // (chapter 5's `start_producer` closes them). The benchmark kills no
    // side: what it times is the transfer, not the peer-death plumbing.
    let (tx, rx) = ring::<u64>(RING_SLOTS)
        .expect("could not create the ring")
        .split();
    // SAFETY: the child encodes into a stack buffer, loads and stores
    // atomics in the shared mapping, and makes write/poll/read system calls
    // on its eventfds and pipes: nothing that another thread of the parent
    // could have left locked.
    unsafe {
        crate::workloads::one_producer_process(
            iters,
            move |item| tx.send(&item).is_ok(),
            move || rx.recv().expect("recv failed"),
        )
    }
}
