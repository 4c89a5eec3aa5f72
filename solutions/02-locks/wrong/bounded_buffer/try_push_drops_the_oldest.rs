//! WRONG: `try_push` on a full buffer drops the oldest item to make room
//! EXPECT: give the item back
//! CLAUSE: 5
//!
//! A ring buffer that overwrites is a fine data structure, but not this
//! one: a refused `try_push` must leave the buffer as it was and hand the
//! new item back to the caller.

use crate::sync::{Condvar, Mutex, MutexGuard};
use std::collections::VecDeque;

/// A first-in first-out buffer of at most `capacity` items. `push` waits
/// while it is full, `pop` waits while it is empty.
#[derive(Debug)]
pub struct BoundedBuffer<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    not_full: Condvar,
    not_empty: Condvar,
}

impl<T> BoundedBuffer<T> {
    /// An empty buffer that holds at most `capacity` items.
    pub fn new(capacity: usize) -> Self {
        assert!(
            capacity > 0,
            "a BoundedBuffer needs a capacity of at least 1"
        );
        BoundedBuffer {
            items: Mutex::new(VecDeque::new()),
            capacity,
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    /// Appends `item` at the back, waiting while the buffer is full.
    pub fn push(&self, item: T) {
        let mut items = self.lock();
        while items.len() == self.capacity {
            items = self.not_full.wait(items).unwrap();
        }
        items.push_back(item);
        self.not_empty.notify_one();
    }

    /// Appends `item` if there is room right now; otherwise gives it back.
    pub fn try_push(&self, item: T) -> Result<(), T> {
        let mut items = self.lock();
        if items.len() == self.capacity {
            items.pop_front();
        }
        items.push_back(item);
        self.not_empty.notify_one();
        Ok(())
    }

    /// Removes the item at the front, waiting while the buffer is empty.
    pub fn pop(&self) -> T {
        let mut items = self.lock();
        while items.is_empty() {
            items = self.not_empty.wait(items).unwrap();
        }
        let item = items.pop_front().unwrap();
        self.not_full.notify_one();
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
        self.items.lock().unwrap()
    }
}
