//! Exercise `bounded_buffer`, solved: one `Mutex` around a `VecDeque`, and a
//! `Condvar` for each reason to wait (loom's, under `--cfg locks_loom`).

use crate::sync::{Condvar, Mutex, MutexGuard};
use std::collections::VecDeque;

// ANCHOR: bounded_buffer
/// A first-in first-out buffer of at most `capacity` items. `push` waits
/// while it is full, `pop` waits while it is empty.
#[derive(Debug)]
pub struct BoundedBuffer<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    /// Producers wait here while the buffer is full.
    not_full: Condvar,
    /// Consumers wait here while the buffer is empty.
    not_empty: Condvar,
}

impl<T> BoundedBuffer<T> {
    /// An empty buffer that holds at most `capacity` items.
    ///
    /// Panics with a message that contains "capacity of at least 1" if
    /// `capacity` is 0 (nothing could ever be pushed).
    pub fn new(capacity: usize) -> Self {
        assert!(
            capacity > 0,
            "a BoundedBuffer needs a capacity of at least 1"
        );
        BoundedBuffer {
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity,
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    // ANCHOR: push
    /// Appends `item` at the back, waiting while the buffer is full.
    pub fn push(&self, item: T) {
        let mut items = self.lock();
        while items.len() == self.capacity {
            items = self.not_full.wait(items).unwrap_or_else(|e| e.into_inner());
        }
        items.push_back(item);
        drop(items); // the woken consumer will need the lock: let it go first
        self.not_empty.notify_one();
    }
    // ANCHOR_END: push

    /// Appends `item` if there is room right now; otherwise gives it back
    /// as `Err(item)`. Never waits.
    pub fn try_push(&self, item: T) -> Result<(), T> {
        let mut items = self.lock();
        if items.len() == self.capacity {
            return Err(item);
        }
        items.push_back(item);
        drop(items);
        self.not_empty.notify_one();
        Ok(())
    }

    // ANCHOR: pop
    /// Removes the item at the front, waiting while the buffer is empty.
    pub fn pop(&self) -> T {
        let mut items = self.lock();
        let item = loop {
            match items.pop_front() {
                Some(item) => break item,
                None => {
                    items = self
                        .not_empty
                        .wait(items)
                        .unwrap_or_else(|e| e.into_inner())
                }
            }
        };
        drop(items);
        self.not_full.notify_one();
        item
    }
    // ANCHOR_END: pop

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
// ANCHOR_END: bounded_buffer
