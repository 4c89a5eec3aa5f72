//! The atomics and the `yield_now` that the spin lock of the
//! `process_shared_lock` exercise is built from: the standard library's in
//! every normal build, loom's when the crate is built with
//! `RUSTFLAGS="--cfg shared_memory_loom"`.
//!
//! Under loom, `tests/loom_models.rs` runs small programs against your
//! `SpinLock` (with threads standing in for processes: the lock cannot tell
//! them apart) in every interleaving that matters, and checks the memory
//! orderings too: a load followed by a store, or a `Relaxed` where
//! `Acquire`/`Release` is needed, fails there every time. So use these, not
//! `std::sync::atomic`'s and `std::thread`'s, in that exercise:
//!
//! ```text
//! use crate::sync::{AtomicBool, Ordering, yield_now};
//! ```

#[cfg(shared_memory_loom)]
pub use loom::sync::atomic::{AtomicBool, Ordering};
#[cfg(shared_memory_loom)]
pub use loom::thread::yield_now;

#[cfg(not(shared_memory_loom))]
pub use std::sync::atomic::{AtomicBool, Ordering};
#[cfg(not(shared_memory_loom))]
pub use std::thread::yield_now;
