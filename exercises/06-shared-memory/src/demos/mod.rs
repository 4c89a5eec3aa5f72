//! The chapter's worked examples, shared verbatim by the exercise and the
//! solution crates.

pub mod counter;
pub mod private_vs_shared;
pub mod region;
pub mod start_line;

/// A spin lock's guard hands out `&T`, so it may be shared between threads
/// only when `T` is `Sync`: sharing a guard of a `SpinLock<Cell<u64>>`
/// would give two threads the same `Cell`.
///
/// ```compile_fail,E0277
#[doc = include_str!("../../compile_fail/guard_shares_a_cell.rs")]
/// ```
pub mod compile_fail {}
