//! Exercise `bounded_buffer`: a fixed-capacity FIFO shared by producers and
//! consumers, from one `Mutex` and two `Condvar`s.
//!
//! Python's `queue.Queue(maxsize)` is exactly this, built the same way from
//! `threading.Condition`s.
#![allow(dead_code, unused_variables)]

use std::marker::PhantomData;

// ANCHOR: starter
/// A first-in first-out buffer of at most `capacity` items. `push` waits
/// while it is full, `pop` waits while it is empty.
#[derive(Debug)]
pub struct BoundedBuffer<T> {
    // TODO: replace this marker with the real fields: the items (a VecDeque)
    // behind a Mutex, the capacity, and a Condvar for each thing a thread can
    // wait for ("not full", "not empty").
    items: PhantomData<T>,
}

impl<T> BoundedBuffer<T> {
    /// An empty buffer that holds at most `capacity` items.
    ///
    /// Panics with a message that contains "capacity of at least 1" if
    /// `capacity` is 0 (nothing could ever be pushed).
    pub fn new(capacity: usize) -> Self {
        todo!("refuse a zero capacity; create the Mutex<VecDeque<T>> and the two Condvars")
    }

    /// Appends `item` at the back, waiting while the buffer is full.
    pub fn push(&self, item: T) {
        todo!(
            "lock; wait on `not_full` while len == capacity (in a loop); push_back; notify `not_empty`"
        )
    }

    /// Appends `item` if there is room right now; otherwise gives it back
    /// as `Err(item)`. Never waits.
    pub fn try_push(&self, item: T) -> Result<(), T> {
        todo!("lock; if full return Err(item), else push_back, notify `not_empty` and return Ok")
    }

    /// Removes the item at the front, waiting while the buffer is empty.
    pub fn pop(&self) -> T {
        todo!(
            "lock; wait on `not_empty` while the queue is empty (in a loop); pop_front; notify `not_full`"
        )
    }

    /// How many items are in the buffer right now.
    pub fn len(&self) -> usize {
        todo!("lock and return the number of items")
    }

    /// Whether the buffer is empty right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most items the buffer holds.
    pub fn capacity(&self) -> usize {
        todo!("return the capacity given to `new`")
    }
}
// ANCHOR_END: starter
