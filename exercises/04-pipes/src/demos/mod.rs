//! The chapter's worked examples, shared verbatim by the exercise and the
//! solution crates.

pub mod eof;
pub mod framing;
pub mod large;
pub mod sender_receiver;
