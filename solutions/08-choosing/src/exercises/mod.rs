//! The chapter's exercises: each function calls `todo!()` until you write it.

pub mod io_fan_out;
pub mod parallel_sum_of_primes;
