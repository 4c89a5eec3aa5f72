//! The chapter's worked examples. The solution crate compiles this very file,
//! so both crates run the same demos and the same tests of them.

pub mod atomic_counter;
pub mod barrier;
pub mod deadlock;
pub mod rwlock;
pub mod shared_counter;
