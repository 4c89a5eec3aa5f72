//! ALT: `Condvar::wait_while` and `notify_all`
//!
//! `wait_while` is the loop around `wait` written by the standard library,
//! so the recheck after each wakeup cannot be forgotten. `notify_all` wakes
//! every waiter for each released permit: more wakeups than needed (all but
//! one go back to sleep), but never a lost one.

use std::sync::{Condvar, Mutex, MutexGuard};

/// A counting semaphore: at most `permits` holders of a [`Permit`] at once.
#[derive(Debug)]
pub struct Semaphore {
    free: Mutex<usize>,
    changed: Condvar,
}

/// Proof that its holder has a permit. Dropping it releases the permit.
#[derive(Debug)]
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `permits` free permits.
    pub fn new(permits: usize) -> Self {
        Semaphore {
            free: Mutex::new(permits),
            changed: Condvar::new(),
        }
    }

    /// Waits until a permit is free, takes it, and returns it as a [`Permit`].
    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self
            .changed
            .wait_while(self.lock(), |free| *free == 0)
            .unwrap_or_else(|e| e.into_inner());
        *free -= 1;
        Permit { semaphore: self }
    }

    /// Takes a permit if one is free right now; never waits.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut free = self.lock();
        (*free > 0).then(|| {
            *free -= 1;
            Permit { semaphore: self }
        })
    }

    /// How many permits are free right now.
    pub fn available_permits(&self) -> usize {
        *self.lock()
    }

    fn release(&self) {
        *self.lock() += 1;
        self.changed.notify_all();
    }

    fn lock(&self) -> MutexGuard<'_, usize> {
        self.free.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}
