//! Chapter 7 of the book, solved. The worked examples are the exercise
//! crate's own files; only the exercises differ.

#[path = "../../../exercises/07-pools/src/demos/mod.rs"]
pub mod demos;
pub mod exercises;
