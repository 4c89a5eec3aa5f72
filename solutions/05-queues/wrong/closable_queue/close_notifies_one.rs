//! WRONG: `close` wakes one waiting consumer (`notify_one`) instead of all
//! EXPECT: close woke only some of the consumers
//! CLAUSE: 4
//!
//! `push` rightly wakes one consumer per item, and `close` gets written the
//! same way. Every other consumer asleep in `pop` never sees the flag.

use crate::sync::{Condvar, Mutex, MutexGuard};
use std::collections::VecDeque;

/// `push` on a closed queue gives the item back.
#[derive(Debug, PartialEq, Eq)]
pub struct Closed<T>(pub T);

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    closed: bool,
    waiting: usize,
}

/// An unbounded FIFO queue for many threads, with an end.
#[derive(Debug)]
pub struct ClosableQueue<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
}

impl<T> Default for ClosableQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> ClosableQueue<T> {
    /// An empty, open queue.
    pub fn new() -> Self {
        ClosableQueue {
            state: Mutex::new(State {
                items: VecDeque::new(),
                closed: false,
                waiting: 0,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    // ANCHOR: push
    /// Adds `item` at the back and wakes one waiting consumer.
    pub fn push(&self, item: T) -> Result<(), Closed<T>> {
        let mut state = self.lock();
        if state.closed {
            return Err(Closed(item));
        }
        state.items.push_back(item);
        drop(state);
        self.changed.notify_one(); // one item: one consumer is enough
        Ok(())
    }
    // ANCHOR_END: push

    // ANCHOR: pop
    /// Takes the front item, waiting while the queue is empty and open.
    pub fn pop(&self) -> Option<T> {
        let mut state = self.lock();
        loop {
            if let Some(item) = state.items.pop_front() {
                return Some(item);
            }
            if state.closed {
                return None;
            }
            state.waiting += 1;
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
            state.waiting -= 1;
        }
    }
    // ANCHOR_END: pop

    // ANCHOR: close
    /// Closes the queue and wakes every consumer.
    pub fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_one();
    }
    // ANCHOR_END: close

    /// How many consumers are blocked in `pop` right now.
    pub fn waiting(&self) -> usize {
        self.lock().waiting
    }
}
