//! The chapter's exercises: each has a test file of the same name in `tests/`.

pub mod closable_queue;
pub mod sentinel_workers;
pub mod work_queue;
