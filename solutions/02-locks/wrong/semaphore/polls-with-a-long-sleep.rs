//! WRONG: checks the count under the lock and sleeps 250 ms between checks
//! EXPECT: polls
//! CLAUSE: 3
//!
//! What a student writes after hearing that a spin burns a core: "check,
//! and if there is nothing, sleep a bit". The CPU stays idle, so it looks
//! like a waiter, but nobody can wake it: a released permit sits unused for
//! up to a quarter of a second, and every waiter still wakes up four times a
//! second for nothing. The kernel tells the two apart: this thread sleeps in
//! `nanosleep`, a Condvar waiter sleeps in `futex`.

use crate::sync::{Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

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

/// How long a waiter sleeps before it looks at the count again.
const RECHECK_EVERY: Duration = Duration::from_millis(250);

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
        loop {
            {
                let mut free = self.lock();
                if *free > 0 {
                    *free -= 1;
                    return Permit { semaphore: self };
                }
            } // the lock is let go before sleeping, so others can release
            thread::sleep(RECHECK_EVERY);
        }
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
