//! Chapter 2, solved: the same crate as `exercises/02-locks` (same library
//! name, `locks`), with the exercises done. The demos are the exercise
//! crate's own file, compiled here as is.

#[path = "../../../exercises/02-locks/src/demos/mod.rs"]
pub mod demos;
pub mod exercises;
pub mod sync;
