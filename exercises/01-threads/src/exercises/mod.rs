//! The exercises of chapter 1. Each module is one exercise: read its doc
//! comment, replace the `todo!()`s, and run `cargo test -p threads --test <name>`.

pub mod ordered_results;
pub mod overlapping_workers;
pub mod stoppable_worker;
