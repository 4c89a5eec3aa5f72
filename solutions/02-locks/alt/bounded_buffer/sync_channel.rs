//! ALT: the standard library's bounded channel, `mpsc::sync_channel`
//!
//! A `sync_channel(capacity)` is a bounded FIFO whose `send` waits while it
//! is full and whose `recv` waits while it is empty: the whole exercise,
//! ready made. What it lacks is a shared receiver (it sits behind a Mutex:
//! the consumer holding the lock waits for the next item, the others for
//! the lock) and a length (an atomic count beside it).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};

/// A first-in first-out buffer of at most `capacity` items. `push` waits
/// while it is full, `pop` waits while it is empty.
#[derive(Debug)]
pub struct BoundedBuffer<T> {
    sender: SyncSender<T>,
    receiver: Mutex<Receiver<T>>,
    capacity: usize,
    len: AtomicUsize,
}

impl<T> BoundedBuffer<T> {
    /// An empty buffer that holds at most `capacity` items.
    pub fn new(capacity: usize) -> Self {
        // sync_channel(0) would be a rendezvous, not a buffer.
        assert!(
            capacity > 0,
            "a BoundedBuffer needs a capacity of at least 1"
        );
        let (sender, receiver) = mpsc::sync_channel(capacity);
        BoundedBuffer {
            sender,
            receiver: Mutex::new(receiver),
            capacity,
            len: AtomicUsize::new(0),
        }
    }

    /// Appends `item` at the back, waiting while the buffer is full.
    pub fn push(&self, item: T) {
        // Counted before it is sent, so that a pop never counts below zero.
        self.len.fetch_add(1, Ordering::SeqCst);
        if self.sender.send(item).is_err() {
            unreachable!("the buffer holds the receiver, so the channel stays open");
        }
    }

    /// Appends `item` if there is room right now; otherwise gives it back.
    pub fn try_push(&self, item: T) -> Result<(), T> {
        self.len.fetch_add(1, Ordering::SeqCst);
        match self.sender.try_send(item) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(item) | TrySendError::Disconnected(item)) => {
                self.len.fetch_sub(1, Ordering::SeqCst);
                Err(item)
            }
        }
    }

    /// Removes the item at the front, waiting while the buffer is empty.
    pub fn pop(&self) -> T {
        let receiver = self.receiver.lock().unwrap_or_else(|e| e.into_inner());
        let item = receiver
            .recv()
            .expect("the buffer holds a sender, so the channel stays open");
        self.len.fetch_sub(1, Ordering::SeqCst);
        item
    }

    /// How many items are in the buffer right now (counting a push that
    /// is still waiting for room).
    pub fn len(&self) -> usize {
        self.len.load(Ordering::SeqCst).min(self.capacity)
    }

    /// Whether the buffer is empty right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most items the buffer holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}
