//! The solutions of the chapter's exercises, with the same public signatures
//! as the starter code.

pub mod process_shared_lock;
pub mod result_slots;
pub mod shared_histogram;
