//! The solutions of the exercises of chapter 1, with the same public
//! signatures as the starter code; the tests are the exercise crate's.

pub mod ordered_results;
pub mod overlapping_workers;
pub mod stoppable_worker;
