//! Exercise `bounded_buffer`: a fixed-capacity FIFO shared by producers and
//! consumers, from one `Mutex` and two `Condvar`s.
//!
//! Python's `queue.Queue(maxsize)` is exactly this, built the same way from
//! `threading.Condition`s.
//!
//! Use the `Mutex` and `Condvar` of [`crate::sync`] (std's, or loom's when
//! `tests/loom_models.rs` model-checks your code).
#![allow(dead_code, unused_imports, unused_variables)]

use crate::sync::{Condvar, Mutex, MutexGuard};
use std::collections::VecDeque;
use std::marker::PhantomData;

// ANCHOR: starter
/// A first-in first-out buffer of at most `capacity` items. `push` waits
/// while it is full, `pop` waits while it is empty.
#[derive(Debug)]
pub struct BoundedBuffer<T> {
    // TODO: replace this marker with the real fields: the items, the
    // capacity, and what producers and consumers sleep on while they wait.
    items: PhantomData<T>,
}

impl<T> BoundedBuffer<T> {
    /// An empty buffer that holds at most `capacity` items.
    ///
    /// Panics with a message that contains "capacity of at least 1" if
    /// `capacity` is 0 (nothing could ever be pushed).
    pub fn new(capacity: usize) -> Self {
        todo!("create an empty buffer of `capacity` items, refusing a capacity of 0")
    }

    /// Appends `item` at the back, waiting while the buffer is full.
    pub fn push(&self, item: T) {
        todo!("sleep while the buffer is full, then append `item` and wake a waiting consumer")
    }

    /// Appends `item` if there is room right now; otherwise gives it back
    /// as `Err(item)`. Never waits.
    pub fn try_push(&self, item: T) -> Result<(), T> {
        todo!("append `item` if there is room now, else give it back as Err(item)")
    }

    /// Removes the item at the front, waiting while the buffer is empty.
    pub fn pop(&self) -> T {
        todo!(
            "sleep while the buffer is empty, then take the oldest item and wake a waiting producer"
        )
    }

    /// How many items are in the buffer right now.
    pub fn len(&self) -> usize {
        todo!("return how many items the buffer holds")
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
