//! Exercise `semaphore`: a counting semaphore from a `Mutex` and a `Condvar`.
//!
//! The standard library has no semaphore (Python has `threading.Semaphore`).
//! Build one: a number of permits, `acquire` that waits until one is free,
//! and a [`Permit`] that gives it back when it is dropped.
#![allow(dead_code, unused_variables)]

// ANCHOR: starter
/// A counting semaphore: at most `permits` holders of a [`Permit`] at once.
#[derive(Debug)]
pub struct Semaphore {
    // TODO: the number of free permits, behind a Mutex, and a Condvar to wait
    // on until one is free.
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
        todo!("store the number of free permits in a Mutex, beside a Condvar")
    }

    /// Waits until a permit is free, takes it, and returns it as a [`Permit`].
    pub fn acquire(&self) -> Permit<'_> {
        todo!("lock, wait on the Condvar while no permit is free (in a loop), take one")
    }

    /// Takes a permit if one is free right now; never waits.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        todo!("lock; if a permit is free take it and return Some(Permit), else None")
    }

    /// How many permits are free right now (already stale when it returns:
    /// for tests and messages, not for decisions).
    pub fn available_permits(&self) -> usize {
        todo!("lock and return the number of free permits")
    }

    /// Gives one permit back and wakes one waiter. Called by `Permit::drop`.
    fn release(&self) {
        todo!("lock, add one free permit, notify one thread waiting on the Condvar")
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}
// ANCHOR_END: starter
