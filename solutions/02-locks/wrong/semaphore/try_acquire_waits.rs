//! WRONG: try_acquire() waits for a permit like acquire() does
//! EXPECT: try_acquire never waits
//! CLAUSE: 6
//!
//! `try_acquire` written as `Some(self.acquire())`: right whenever a permit
//! is free, but with none free it sleeps until one comes back instead of
//! returning `None` at once. Before issue 19 the tests called
//! `try_acquire()` on their own thread without a deadline in a few places,
//! so this mistake hung the test binary for minutes instead of failing it.

use crate::sync::{Condvar, Mutex};

/// A counting semaphore: at most `permits` holders of a [`Permit`] at once.
#[derive(Debug)]
pub struct Semaphore {
    free: Mutex<usize>,
    returned: Condvar,
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
            returned: Condvar::new(),
        }
    }

    /// Waits until a permit is free, takes it, and returns it as a [`Permit`].
    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self.free.lock().unwrap();
        while *free == 0 {
            free = self.returned.wait(free).unwrap();
        }
        *free -= 1;
        Permit { semaphore: self }
    }

    /// Meant to take a permit only if one is free right now.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        Some(self.acquire())
    }

    /// How many permits are free right now.
    pub fn available_permits(&self) -> usize {
        *self.free.lock().unwrap()
    }

    fn release(&self) {
        *self.free.lock().unwrap() += 1;
        self.returned.notify_one();
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}
