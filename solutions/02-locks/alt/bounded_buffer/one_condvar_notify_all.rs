//! ALT: one Condvar for both kinds of waiter, with `notify_all`
//!
//! Simpler than two Condvars and still correct: every change wakes every
//! waiter, and each one checks its own condition again in its `while` loop.
//! The price is wakeups that lead nowhere (a producer woken by a push goes
//! straight back to sleep), which two Condvars avoid.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

/// A first-in first-out buffer of at most `capacity` items. `push` waits
/// while it is full, `pop` waits while it is empty.
#[derive(Debug)]
pub struct BoundedBuffer<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    changed: Condvar,
}

impl<T> BoundedBuffer<T> {
    /// An empty buffer that holds at most `capacity` items.
    pub fn new(capacity: usize) -> Self {
        assert!(
            capacity > 0,
            "a BoundedBuffer needs a capacity of at least 1"
        );
        BoundedBuffer {
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity,
            changed: Condvar::new(),
        }
    }

    /// Appends `item` at the back, waiting while the buffer is full.
    pub fn push(&self, item: T) {
        let mut items = self
            .changed
            .wait_while(self.lock(), |items| items.len() == self.capacity)
            .unwrap_or_else(|e| e.into_inner());
        items.push_back(item);
        drop(items);
        self.changed.notify_all();
    }

    /// Appends `item` if there is room right now; otherwise gives it back.
    pub fn try_push(&self, item: T) -> Result<(), T> {
        let mut items = self.lock();
        if items.len() == self.capacity {
            return Err(item);
        }
        items.push_back(item);
        drop(items);
        self.changed.notify_all();
        Ok(())
    }

    /// Removes the item at the front, waiting while the buffer is empty.
    pub fn pop(&self) -> T {
        let mut items = self
            .changed
            .wait_while(self.lock(), |items| items.is_empty())
            .unwrap_or_else(|e| e.into_inner());
        let item = items.pop_front().expect("wait_while returned: not empty");
        drop(items);
        self.changed.notify_all();
        item
    }

    /// How many items are in the buffer right now.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the buffer is empty right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most items the buffer holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<T>> {
        self.items.lock().unwrap_or_else(|e| e.into_inner())
    }
}
