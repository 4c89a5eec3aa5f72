//! The chapter's exercises: each `todo!()` says what to do, and
//! `tests/<exercise>.rs` says what "done" means.

pub mod process_shared_lock;
pub mod result_slots;
pub mod shared_histogram;
