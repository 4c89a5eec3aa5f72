//! A start line in shared memory: child processes wait there until all of
//! them have arrived, so that they really run at the same time.
//!
//! `fork` returns as soon as the child exists, and a short child may finish
//! before its sibling is even forked. Races (and the lost updates of this
//! chapter) only show when the processes overlap, so the demos and the tests
//! line them up first. It is built from two atomics, so it may live in a
//! [`SharedValue`](super::region::SharedValue).

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::region::ProcessShared;

/// Where the processes meet. All zero (nobody arrived) when freshly mapped.
#[derive(Debug, Default)]
pub struct StartLine {
    arrived: AtomicU32,
    abandoned: AtomicBool,
}

// SAFETY: two lock-free atomics: valid when zeroed, no pointers, no Drop.
unsafe impl ProcessShared for StartLine {}

/// Returned by [`StartLine::wait`] when the parties did not all arrive in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissedStart {
    /// How many had arrived when this one gave up (or found the line abandoned).
    pub arrived: u32,
    /// How many were expected.
    pub parties: u32,
}

impl StartLine {
    /// Arrives at the line and waits, spinning, until `parties` processes have
    /// arrived or until `deadline` passes.
    ///
    /// A process that gives up marks the line abandoned, and later arrivals
    /// return at once: if the processes run one after the other (a child
    /// joined before the next is started), the first one waits `deadline`, the
    /// others do not wait at all, and all of them report the miss.
    pub fn wait(&self, parties: u32, deadline: Duration) -> Result<(), MissedStart> {
        let give_up_at = Instant::now() + deadline;
        self.arrived.fetch_add(1, Ordering::AcqRel);
        loop {
            let arrived = self.arrived.load(Ordering::Acquire);
            if arrived >= parties {
                return Ok(());
            }
            if self.abandoned.load(Ordering::Acquire) || Instant::now() >= give_up_at {
                self.abandoned.store(true, Ordering::Release);
                return Err(MissedStart { arrived, parties });
            }
            // Let the processes we are waiting for have the CPU: there may be
            // more of them than cores.
            std::thread::yield_now();
        }
    }
}
