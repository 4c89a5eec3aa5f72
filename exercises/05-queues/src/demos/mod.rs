//! The chapter's worked examples, shared verbatim by the exercise and the
//! solution crates.

pub mod file_lock;
pub mod in_process;
pub mod join_before_drain;
pub mod producer_consumer;
pub mod queue;
// The process side of the ring, and the measurements that use it, are left
// out of the loom build (`--cfg queues_loom`), which checks the ring's
// protocol alone: loom's atomics cannot be shared between processes.
#[cfg(not(queues_loom))]
pub mod ring;
pub mod ring_protocol;
#[cfg(not(queues_loom))]
pub mod throughput;
pub mod token;
