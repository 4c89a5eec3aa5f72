//! Chapter 9 of the book, solved. The worked examples are the exercise
//! crate's own files; only the exercises differ.

#[path = "../../../exercises/09-beyond/src/demos/mod.rs"]
pub mod demos;
pub mod exercises;
