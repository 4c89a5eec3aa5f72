//! Chapter 5's shared-memory ring, measured like the pipe queue beside it
//! (`queue/small_items` in [`crate::workloads`]): a producer process puts
//! `iters` small items (`u64`) in the ring, the parent takes them until the
//! ring ends.

use std::time::{Duration, Instant};

use processes::demos::process::{ExitStatus, Process};
use queues::demos::ring::ring;

/// Slots in the measured ring: 1024 of 64 bytes, the 64 KiB a pipe buffers.
pub const RING_SLOTS: usize = 1024;

/// One producer process, the parent consuming, through chapter 5's ring.
pub fn ring_items(iters: u64) -> Duration {
    let (tx, rx) = ring::<u64>(RING_SLOTS).expect("could not create the ring");
    let start = Instant::now();
    // SAFETY: the child encodes into a stack buffer, loads and stores
    // atomics in the shared mapping, and makes write/poll/read system calls
    // on its eventfds and pipes: nothing that another thread of the parent
    // could have left locked.
    let mut producer = unsafe {
        Process::start(move || {
            for item in 0..iters {
                if tx.send(&item).is_err() {
                    return 1;
                }
            }
            0
        })
    }
    .expect("fork failed");
    let mut sum = 0_u64;
    let mut received = 0_u64;
    while let Some(item) = rx.recv().expect("recv failed") {
        sum = sum.wrapping_add(item);
        received += 1;
    }
    let status = producer.join().expect("waitpid failed");
    let elapsed = start.elapsed();
    assert_eq!(status, ExitStatus::Exited(0), "the producer failed");
    assert_eq!(received, iters, "items were lost");
    assert_eq!(
        sum,
        (0..iters).fold(0_u64, u64::wrapping_add),
        "items changed"
    );
    elapsed
}
