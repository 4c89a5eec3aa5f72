//! The chapter's worked examples, shared verbatim by the exercise and the
//! solution crates.

pub mod file_lock;
pub mod in_process;
pub mod join_before_drain;
pub mod producer_consumer;
pub mod queue;
pub mod ring;
pub mod throughput;
pub mod token;
