//! The chapter's worked examples, shared verbatim with the solution crate.

pub mod costs;
pub mod cpu;
pub mod io;
pub mod isolation;
