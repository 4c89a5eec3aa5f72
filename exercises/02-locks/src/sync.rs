//! The `Mutex` and `Condvar` that the semaphore and the bounded buffer are
//! built from: the standard library's in every normal build, loom's when the
//! crate is built with `RUSTFLAGS="--cfg locks_loom"`.
//!
//! Under loom, `tests/loom_models.rs` runs small programs against your
//! `Semaphore` and `BoundedBuffer` in every interleaving of their threads
//! that matters, which finds the races that a normal test only hits by luck.
//! So use these types, not `std::sync`'s, in those two exercises:
//!
//! ```text
//! use crate::sync::{Condvar, Mutex};
//! ```

#[cfg(locks_loom)]
pub use loom::sync::{Arc, Condvar, Mutex, MutexGuard};

#[cfg(not(locks_loom))]
pub use std::sync::{Arc, Condvar, Mutex, MutexGuard};
