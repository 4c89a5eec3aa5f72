//! The chapter's worked examples. Each module is one page of the book.

pub mod api;
pub mod daemon;
pub mod isolation;
pub mod process;
pub mod run_trait;
pub mod sources;
pub mod spawn;
