//! Chapter 1, Threads: the solutions. The worked examples are the exercise
//! crate's own files; only `exercises` differs.

#[path = "../../../exercises/01-threads/src/demos/mod.rs"]
pub mod demos;
pub mod exercises;
