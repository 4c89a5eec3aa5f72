//! The chapter's exercises, solved.

pub mod join_timeout;
pub mod reaper;
