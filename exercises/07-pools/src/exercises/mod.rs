//! The chapter's exercises: each has a test file of the same name in `tests/`.

pub mod chunking;
pub mod in_order;
pub mod panic_safe_pool;
