//! Exercise: a queue between threads whose `close` wakes every consumer.
//!
//! What `crossbeam_channel` does when the last `Sender` is dropped, by hand:
//! a `Mutex` around the items and a `closed` flag, and a `Condvar` that
//! consumers wait on. The bug to avoid: a `close` that wakes only one of the
//! consumers asleep in `pop`, leaving the others asleep for ever.
#![allow(unused_variables, dead_code)]

use crate::sync::{Condvar, Mutex};
use std::collections::VecDeque;

/// `push` on a closed queue gives the item back.
#[derive(Debug, PartialEq, Eq)]
pub struct Closed<T>(pub T);

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    closed: bool,
    /// How many consumers are blocked in `pop` right now.
    waiting: usize,
}

/// An unbounded FIFO queue for many producer and many consumer threads, with
/// an end: once closed, consumers take what is left and then get `None`.
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

    // ANCHOR: starter
    /// Adds `item` at the back and wakes one waiting consumer. On a closed
    /// queue, returns the item in `Err(Closed(item))` instead.
    pub fn push(&self, item: T) -> Result<(), Closed<T>> {
        // TODO: the item joins the queue, unless it is closed, and one
        // sleeping consumer hears of it.
        todo!("add the item unless the queue is closed, and wake one consumer")
    }

    /// Takes the item at the front, waiting while the queue is empty and
    /// open. Returns `None` once the queue is closed *and* empty.
    ///
    /// While blocked, it counts itself in `waiting` (see [`waiting`](Self::waiting)).
    pub fn pop(&self) -> Option<T> {
        // TODO: a wait on `changed` that ends only with an item or with the
        // queue closed and empty, however the thread was woken; `waiting`
        // counts the threads asleep in it.
        todo!("take the front item, waiting while the queue is empty and open")
    }

    /// Closes the queue: no more pushes; every consumer blocked in `pop`
    /// wakes, takes what is left, then gets `None`.
    pub fn close(&self) {
        // TODO: the queue is closed from now on, and every sleeping consumer
        // hears of it.
        todo!("mark the queue closed and wake all the consumers waiting in pop")
    }
    // ANCHOR_END: starter

    /// How many consumers are blocked in `pop` right now.
    pub fn waiting(&self) -> usize {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).waiting
    }
}
