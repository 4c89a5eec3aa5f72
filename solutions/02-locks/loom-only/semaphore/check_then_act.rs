//! WRONG: check-then-act across two lock sections
//! EXPECT: two threads took the same permit
//!
//! The wait loop is right, but the guard is dropped before the permit is
//! taken, in a second lock section. Two threads can both see the last permit
//! free and both take it.
//!
//! Not in `wrong/`: on real threads the window is a few nanoseconds and the
//! stress tests of `tests/semaphore.rs` do not hit it on every run. The loom
//! model `semaphore_with_one_permit_is_a_mutual_exclusion` in
//! `tests/loom_models.rs` finds it every time (run it under
//! `--cfg locks_loom`).

use crate::sync::{Condvar, Mutex, MutexGuard};

/// A counting semaphore: at most `permits` holders of a [`Permit`] at once.
#[derive(Debug)]
pub struct Semaphore {
    free: Mutex<usize>,
    released: Condvar,
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
            released: Condvar::new(),
        }
    }

    /// Waits until a permit is free, takes it, and returns it as a [`Permit`].
    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self.lock();
        while *free == 0 {
            free = self.released.wait(free).unwrap();
        }
        drop(free);
        self.take_one();
        Permit { semaphore: self }
    }

    /// Takes a permit if one is free right now; never waits.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        if self.available_permits() == 0 {
            return None;
        }
        self.take_one();
        Some(Permit { semaphore: self })
    }

    /// How many permits are free right now.
    pub fn available_permits(&self) -> usize {
        *self.lock()
    }

    /// Gives one permit back and wakes one waiter. Called by `Permit::drop`.
    fn release(&self) {
        *self.lock() += 1;
        self.released.notify_one();
    }

    fn take_one(&self) {
        *self.lock() -= 1;
    }

    fn lock(&self) -> MutexGuard<'_, usize> {
        self.free.lock().unwrap()
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}
