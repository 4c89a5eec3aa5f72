//! The chapter's exercises: each has a test file of the same name in `tests/`.

pub mod global_count;
pub mod ring;
pub mod spread_map;
