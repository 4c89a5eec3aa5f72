//! The chapter's worked examples, shared verbatim by the exercise and the
//! solution crates.

pub mod counter;
pub mod private_vs_shared;
pub mod region;
pub mod start_line;
