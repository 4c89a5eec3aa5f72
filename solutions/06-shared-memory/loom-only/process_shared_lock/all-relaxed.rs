//! WRONG: every operation on the flag is Relaxed
//! EXPECT: Causality violation
//! CLAUSE: 5
//!
//! "It is one atomic flag, atomics are atomic": the student uses Relaxed
//! for the compare_exchange and for the releasing store. Mutual exclusion
//! on the flag holds, but nothing orders the plain writes to the pair with
//! the flag: the next holder may see the old pair, and the compiler may
//! move the pair's writes out of the critical section. On x86 the tests
//! pass; the doc comment asks that taking the lock "make visible everything
//! the previous holder wrote".

#![allow(unused_variables, dead_code)]

use crate::sync::{AtomicBool, Ordering};
use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};

use crate::demos::region::ProcessShared;

/// Two plain counters that must move together: whoever holds the lock may
/// find them equal, change them, and must leave them equal again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pair {
    pub left: u64,
    pub right: u64,
}

/// A lock made of one `AtomicBool`, guarding a value of `T`. All zero bytes
/// are an unlocked lock (and, for a [`Pair`], a pair of zeros), so it can live
/// in a [`SharedValue`](crate::demos::region::SharedValue).
#[derive(Debug, Default)]
pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the value is only reached through a guard, and at most one guard
// exists at a time, in all processes together: that is what the lock is for.
unsafe impl<T: Send> Sync for SpinLock<T> {}

// SAFETY: zero bytes are an unlocked lock and a pair of zeros; no pointers;
// no Drop; the pair changes only under the lock, which is an atomic.
unsafe impl ProcessShared for SpinLock<Pair> {}

/// Proof that this process holds the lock; releases it when dropped.
pub struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
}

// SAFETY: a `&SpinGuard` gives out only `&T` (through `Deref`), so sharing
// a guard between threads shares `&T` between them, which is sound exactly
// when `T: Sync`. Without this line the compiler would derive `Sync` from
// the field, `&SpinLock<T>`, which is `Sync` for any `T: Send`: a guard of
// a `SpinLock<Cell<u64>>` could then hand the same `Cell` to two threads.
unsafe impl<T: Sync> Sync for SpinGuard<'_, T> {}

impl<T> SpinLock<T> {
    /// Takes the lock, spinning until it is free, and returns the guard.
    /// Taking it must make visible everything the previous holder wrote
    /// before releasing it (whichever process that was).
    pub fn lock(&self) -> SpinGuard<'_, T> {
        loop {
            if let Some(guard) = self.try_lock() {
                return guard;
            }
            while self.locked.load(Ordering::Relaxed) {
                crate::sync::yield_now();
            }
        }
    }

    /// Takes the lock if it is free right now; `None` if someone holds it.
    pub fn try_lock(&self) -> Option<SpinGuard<'_, T>> {
        self.locked
            .compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed)
            .ok()
            .map(|_| SpinGuard { lock: self })
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    /// Releases the lock, publishing every write made under it.
    fn drop(&mut self) {
        self.lock.locked.store(false, Ordering::Relaxed);
    }
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard exists, so this process holds the lock.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as above, and `&mut self` makes this the only reference.
        unsafe { &mut *self.lock.value.get() }
    }
}
