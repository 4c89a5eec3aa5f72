//! The same store, made by a child in private memory and in shared memory:
//! the parent sees only the second.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};

use processes::demos::process::Process;

use super::region::SharedValue;

/// What the parent reads after its child stored a value in both places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    /// The value the child stored.
    pub stored: u64,
    /// The parent's read of an ordinary heap value (a `Box`).
    pub private: u64,
    /// The parent's read of the shared mapping.
    pub shared: u64,
}

// ANCHOR: private_vs_shared
/// Forks a child that stores `value` into a boxed atomic and into a shared
/// one, joins it, and reads both back in the parent.
pub fn store_in_child(value: u64) -> io::Result<Seen> {
    let private = Box::new(AtomicU64::new(0)); // copied into the child by fork
    let shared = SharedValue::<AtomicU64>::new()?; // the same page in both

    // SAFETY: the child only stores into two atomics.
    let mut child = unsafe {
        Process::start(|| {
            private.store(value, Ordering::Relaxed); // the child's copy only
            shared.store(value, Ordering::Relaxed); // the page both processes map
            0
        })
    }?;
    let status = child.join()?;
    if !status.success() {
        return Err(io::Error::other(format!("the child {status}")));
    }
    Ok(Seen {
        stored: value,
        private: private.load(Ordering::Relaxed),
        shared: shared.load(Ordering::Relaxed),
    })
}
// ANCHOR_END: private_vs_shared
