//! Chapter 1, Threads.
//!
//! [`demos`] holds the worked examples of the chapter, each the Rust
//! counterpart of a `threading` example from the Python tutorials; the
//! programs in `src/bin/` are thin `main`s around them. [`exercises`] holds
//! the starter code: every function there calls `todo!()` until you write it,
//! and `cargo test -p threads --test <exercise>` tells you how far you are.

pub mod demos;
pub mod exercises;
