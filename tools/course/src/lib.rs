//! The course tool behind `cargo course`: lists the exercises and their
//! progress, runs an exercise's tests and explains the result, prints hints,
//! builds the book, and verifies the layout rules of `tools/course/LAYOUT.md`.
//!
//! The binary (`src/main.rs`) is a thin dispatcher; everything lives here so
//! that the integration tests can reach the parsers and checkers directly.
//!
//! The modules that need mdBook (building the book, reading its pages and
//! SUMMARY.md) are compiled only with the `book` feature; see Cargo.toml.

#[cfg(feature = "book")]
pub mod book;
pub mod cargo;
pub mod cli;
pub mod commands;
pub mod course;
#[cfg(feature = "book")]
pub mod crate_pages;
#[cfg(feature = "book")]
pub mod diagnostics;
pub mod manifest;
#[cfg(feature = "book")]
pub mod markdown;
pub mod repo;
pub mod state;
pub mod suggest;
#[cfg(feature = "book")]
pub mod summary;
pub mod test_output;
pub mod text;
