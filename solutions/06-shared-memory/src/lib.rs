//! Chapter 6, solved: the same worked examples as the exercise crate (by
//! path, never copied), and the solutions of its exercises. `cargo test -p
//! shared-memory-solution` runs the exercise crate's test files against them.

#[path = "../../../exercises/06-shared-memory/src/demos/mod.rs"]
pub mod demos;
pub mod exercises;
#[path = "../../../exercises/06-shared-memory/src/sync.rs"]
pub mod sync;
