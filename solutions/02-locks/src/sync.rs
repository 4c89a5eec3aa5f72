//! The synchronization types the hand-built primitives use: the standard
//! library's, or loom's when the crate is built with
//! `RUSTFLAGS="--cfg locks_loom"` so that `tests/loom_models.rs` can explore
//! every interleaving of them.

#[cfg(locks_loom)]
pub use loom::sync::{Arc, Condvar, Mutex, MutexGuard};

#[cfg(not(locks_loom))]
pub use std::sync::{Arc, Condvar, Mutex, MutexGuard};
