//! Chapter 2 of the book: locks and synchronization.
//!
//! * [`demos`]: the worked examples of the chapter, a `Mutex`-protected
//!   counter, the same counter with an atomic, a readers-writer lock, a
//!   barrier between two phases of work, and a deadlock with its fix.
//! * [`exercises`]: what you build, a semaphore, a bounded buffer and bank
//!   transfers that cannot deadlock. `cargo test -p locks --test <name>`
//!   checks one of them.
//! * [`sync`]: the `Mutex` and `Condvar` the semaphore and the bounded buffer
//!   use, std's normally and loom's under `--cfg locks_loom`, so that loom can
//!   model-check your own code (`tests/loom_models.rs`).

pub mod demos;
pub mod exercises;
pub mod sync;
