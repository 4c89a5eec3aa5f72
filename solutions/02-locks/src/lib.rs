//! Chapter 2, solved: the same crate as `exercises/02-locks` (same library
//! name, `locks`), with the exercises done. The demos and the `sync` shim
//! are the exercise crate's own files, compiled here as they are.

#[path = "../../../exercises/02-locks/src/demos/mod.rs"]
pub mod demos;
pub mod exercises;
#[path = "../../../exercises/02-locks/src/sync.rs"]
pub mod sync;
