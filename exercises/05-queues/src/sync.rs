//! The `Mutex` and `Condvar` that the `closable_queue` exercise is built
//! from: the standard library's in every normal build, loom's when the crate
//! is built with `RUSTFLAGS="--cfg queues_loom"`.
//!
//! Under loom, `tests/loom_models.rs` runs small programs against your
//! `ClosableQueue` in every interleaving of its threads that matters, which
//! finds a lost wake-up every time (a state change that wakes nobody, or a
//! check and a wait in two lock sections), where a normal test finds it only
//! by luck. So use these types, not `std::sync`'s, in that exercise:
//!
//! ```text
//! use crate::sync::{Condvar, Mutex, MutexGuard};
//! ```

#[cfg(not(queues_loom))]
pub use std::sync::{Condvar, Mutex, MutexGuard};

#[cfg(queues_loom)]
pub use loom::sync::{Mutex, MutexGuard};

/// loom's `Condvar`, with the one method of std's that loom lacks.
#[cfg(queues_loom)]
#[derive(Debug, Default)]
pub struct Condvar(loom::sync::Condvar);

#[cfg(queues_loom)]
impl Condvar {
    pub fn new() -> Condvar {
        Condvar(loom::sync::Condvar::new())
    }

    pub fn wait<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
    ) -> std::sync::LockResult<MutexGuard<'a, T>> {
        self.0.wait(guard)
    }

    /// As std's: waits while `condition` holds, however often it wakes.
    pub fn wait_while<'a, T>(
        &self,
        mut guard: MutexGuard<'a, T>,
        mut condition: impl FnMut(&mut T) -> bool,
    ) -> std::sync::LockResult<MutexGuard<'a, T>> {
        while condition(&mut *guard) {
            guard = self.0.wait(guard)?;
        }
        Ok(guard)
    }

    pub fn notify_one(&self) {
        self.0.notify_one();
    }

    pub fn notify_all(&self) {
        self.0.notify_all();
    }
}
