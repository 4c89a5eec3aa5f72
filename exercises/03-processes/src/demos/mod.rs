//! The chapter's worked examples. Each module is one page of the book.

pub mod api;
pub mod daemon;
pub mod isolation;
pub mod process;
pub mod run_trait;
pub mod sources;
pub mod spawn;

/// `Process::start` is an `unsafe fn`: the caller promises that the child
/// only does what a forked child of a multithreaded process may do, so a
/// call outside an `unsafe` block does not compile.
///
/// ```compile_fail,E0133
#[doc = include_str!("../../compile_fail/start_without_unsafe.rs")]
/// ```
pub mod compile_fail {}
