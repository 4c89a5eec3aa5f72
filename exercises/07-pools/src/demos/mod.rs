//! The chapter's worked examples, shared verbatim by the exercise and the
//! solution crates.

pub mod pool_timeline;
pub mod process_pool;
pub mod rayon_map;
pub mod shared_pool;
pub mod tasks;
pub mod thread_pool;
