//! The chapter's exercises: each has a test file `tests/<name>.rs` and a
//! hint in `course.toml`.

pub mod join_timeout;
pub mod reaper;
