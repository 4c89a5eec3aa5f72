//! Exercise `semaphore`: a counting semaphore from a `Mutex` and a `Condvar`.
//!
//! The standard library has no semaphore (Python has `threading.Semaphore`).
//! Build one: a number of permits, `acquire` that waits until one is free,
//! and a [`Permit`] that gives it back when it is dropped.
//!
//! Use the `Mutex` and `Condvar` of [`crate::sync`] (std's, or loom's when
//! `tests/loom_models.rs` model-checks your code).
#![allow(dead_code, unused_imports, unused_variables)]

use crate::sync::{Condvar, Mutex, MutexGuard};

// ANCHOR: starter
/// A counting semaphore: at most `permits` holders of a [`Permit`] at once.
#[derive(Debug)]
pub struct Semaphore {
    // TODO: the state (how many permits are free) and what a thread sleeps
    // on until a permit comes back.
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
        todo!("create a semaphore with `permits` free permits")
    }

    /// Waits until a permit is free, takes it, and returns it as a [`Permit`].
    /// It sleeps while it waits (no busy-wait, no `thread::sleep` loop) until
    /// a release wakes it, and a waiter that wakes to find the permit taken
    /// by another thread first goes back to sleep.
    pub fn acquire(&self) -> Permit<'_> {
        todo!("sleep until a permit is free, then take it")
    }

    /// Takes a permit if one is free right now; never waits.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        todo!("take a free permit if there is one, without waiting")
    }

    /// How many permits are free right now (already stale when it returns:
    /// for tests and messages, not for decisions).
    pub fn available_permits(&self) -> usize {
        todo!("return how many permits are free")
    }

    /// Gives one permit back and wakes one waiter, every time (two releases
    /// in a row wake two waiters). Called by `Permit::drop`; never waits for
    /// another thread.
    fn release(&self) {
        todo!("give the permit back and wake a thread that waits for one")
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}
// ANCHOR_END: starter
