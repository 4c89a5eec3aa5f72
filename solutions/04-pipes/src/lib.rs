//! Chapter 4 of the book, solved. The worked examples are the exercise
//! crate's own files; only the exercises differ.

#[path = "../../../exercises/04-pipes/src/demos/mod.rs"]
pub mod demos;
pub mod exercises;
