//! WRONG: `if` instead of `while` around `Condvar::wait`
//! EXPECT: woke up with no permit free
//! CLAUSE: 5
//!
//! The wakeup is taken as a promise that a permit is free. Another thread
//! can take the released permit between the notify and the moment the woken
//! thread has the lock again; then this one takes a permit that is not there.

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
        if *free == 0 {
            free = self.released.wait(free).unwrap();
        }
        *free -= 1;
        Permit { semaphore: self }
    }

    /// Takes a permit if one is free right now; never waits.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut free = self.lock();
        if *free == 0 {
            return None;
        }
        *free -= 1;
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

    fn lock(&self) -> MutexGuard<'_, usize> {
        self.free.lock().unwrap()
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}
