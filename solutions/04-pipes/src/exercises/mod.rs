//! The chapter's exercises: each has a test file of the same name in `tests/`.

pub mod capture_output;
pub mod duplex_peer;
pub mod poll_exchange;
