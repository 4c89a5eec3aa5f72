//! Chapter 5 of the book, solved. The worked examples are the exercise
//! crate's own files; only the exercises differ.

#[path = "../../../exercises/05-queues/src/demos/mod.rs"]
pub mod demos;
pub mod exercises;
#[path = "../../../exercises/05-queues/src/sync.rs"]
pub mod sync;
