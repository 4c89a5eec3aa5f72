//! Chapter 8, Threads or processes?: the solutions. The worked examples are
//! the exercise crate's own files; only `exercises` differs.

#[path = "../../../exercises/08-choosing/src/demos/mod.rs"]
pub mod demos;
pub mod exercises;
