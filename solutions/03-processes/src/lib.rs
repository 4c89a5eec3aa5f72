//! Chapter 3 with the exercises solved. The worked examples are the very
//! files of the exercise crate; the tests are its test files.

#[path = "../../../exercises/03-processes/src/demos/mod.rs"]
pub mod demos;
pub mod exercises;
