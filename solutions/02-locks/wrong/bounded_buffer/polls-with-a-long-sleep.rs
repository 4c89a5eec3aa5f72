//! WRONG: checks for room or an item under the lock and sleeps 250 ms between checks
//! EXPECT: polls
//! CLAUSE: 3
//!
//! The Condvars look like extra machinery when "look, and if there is
//! nothing to do, sleep a bit" seems to work: the CPU stays idle. But a
//! waiting producer or consumer cannot be woken: an item pushed into an
//! empty buffer waits up to a quarter of a second for a consumer that is
//! asleep in `nanosleep`, and every waiter wakes four times a second for
//! nothing.

use crate::sync::{Mutex, MutexGuard};
use std::collections::VecDeque;
use std::thread;
use std::time::Duration;

/// How long a waiter sleeps before it looks at the buffer again.
const RECHECK_EVERY: Duration = Duration::from_millis(250);

/// A first-in first-out buffer of at most `capacity` items. `push` waits
/// while it is full, `pop` waits while it is empty.
#[derive(Debug)]
pub struct BoundedBuffer<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
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
        }
    }

    /// Appends `item` at the back, waiting while the buffer is full.
    pub fn push(&self, item: T) {
        let mut item = item;
        loop {
            match self.try_push(item) {
                Ok(()) => return,
                Err(back) => item = back,
            }
            thread::sleep(RECHECK_EVERY);
        }
    }

    /// Appends `item` if there is room right now; otherwise gives it back
    /// as `Err(item)`. Never waits.
    pub fn try_push(&self, item: T) -> Result<(), T> {
        let mut items = self.lock();
        if items.len() == self.capacity {
            return Err(item);
        }
        items.push_back(item);
        Ok(())
    }

    /// Removes the item at the front, waiting while the buffer is empty.
    pub fn pop(&self) -> T {
        loop {
            if let Some(item) = self.lock().pop_front() {
                return item;
            }
            thread::sleep(RECHECK_EVERY);
        }
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
