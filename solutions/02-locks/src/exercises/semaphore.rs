//! Exercise `semaphore`, solved: a counting semaphore from a `Mutex` and a
//! `Condvar` (loom's, under `--cfg locks_loom`).

use crate::sync::{Condvar, Mutex, MutexGuard};

// ANCHOR: semaphore
/// A counting semaphore: at most `permits` holders of a [`Permit`] at once.
#[derive(Debug)]
pub struct Semaphore {
    /// How many permits are free. The only state, so one Mutex guards it.
    free: Mutex<usize>,
    /// Signalled each time a permit comes back.
    released: Condvar,
}

/// Proof that its holder has a permit. Dropping it releases the permit.
#[derive(Debug)]
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `permits` free permits. `0` is allowed: then
    /// `try_acquire` always fails and `acquire` waits forever.
    pub fn new(permits: usize) -> Self {
        Semaphore {
            free: Mutex::new(permits),
            released: Condvar::new(),
        }
    }

    // ANCHOR: acquire
    /// Waits until a permit is free, takes it, and returns it as a [`Permit`].
    /// It sleeps while it waits (no busy-wait, no `thread::sleep` loop) until
    /// a release wakes it, and a waiter that wakes to find the permit taken
    /// by another thread first goes back to sleep.
    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self.lock();
        // A loop, not an `if`: a wakeup is only a hint. It may be spurious,
        // or another thread may have taken the permit between the notify
        // and the moment this thread got the lock back.
        while *free == 0 {
            free = self.released.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        Permit { semaphore: self }
    }
    // ANCHOR_END: acquire

    /// Takes a permit if one is free right now; never waits.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut free = self.lock();
        if *free == 0 {
            return None;
        }
        *free -= 1;
        Some(Permit { semaphore: self })
    }

    /// How many permits are free right now (already stale when it returns:
    /// for tests and messages, not for decisions).
    pub fn available_permits(&self) -> usize {
        *self.lock()
    }

    // ANCHOR: release
    /// Gives one permit back and wakes one waiter, every time (two releases
    /// in a row wake two waiters). Called by `Permit::drop`; never waits for
    /// another thread.
    fn release(&self) {
        *self.lock() += 1;
        // One permit came back, so one waiter can use it: notify_one.
        self.released.notify_one();
    }
    // ANCHOR_END: release

    /// The count is a plain number, valid even if a holder panicked: a
    /// poisoned lock is taken over rather than propagated.
    fn lock(&self) -> MutexGuard<'_, usize> {
        self.free.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}
// ANCHOR_END: semaphore
