//! WRONG: `pop` polls the queue with a 10 ms `thread::sleep` between looks instead of waiting on the Condvar
//! EXPECT: polls
//! CLAUSE: 6
//!
//! The repair students make once told that `yield_now` keeps a core busy:
//! sleep a little between looks. It uses almost no CPU, so a test that only
//! measures CPU time passes it; but an item pushed just after a look waits
//! up to 10 ms for nothing, and every idle consumer wakes 100 times a
//! second.

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
            drop(state);
            // Python: `while q.empty(): time.sleep(0.01)`.
            std::thread::sleep(std::time::Duration::from_millis(10));
            state = self.lock();
            state.waiting -= 1;
        }
    }
    // ANCHOR_END: pop

    // ANCHOR: close
    /// Closes the queue and wakes every consumer.
    pub fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all(); // every sleeper must see `closed`
    }
    // ANCHOR_END: close

    /// How many consumers are blocked in `pop` right now.
    pub fn waiting(&self) -> usize {
        self.lock().waiting
    }
}
