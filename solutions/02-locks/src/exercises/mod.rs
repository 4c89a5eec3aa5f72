//! The chapter's exercises: one module each, checked by `tests/<name>.rs`.

pub mod bank_transfer;
pub mod bounded_buffer;
pub mod semaphore;
