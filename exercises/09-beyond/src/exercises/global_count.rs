//! Exercise: a count that every rank knows.
//!
//! Test: `cargo test -p beyond --test global_count` (it runs the
//! `count_primes` program under `mpirun` with 2 and 4 ranks).

use mpi::topology::SimpleCommunicator;

// ANCHOR: starter
/// Counts the numbers of `0..limit` for which `is_match` is true, using every
/// rank, and returns the total on EVERY rank.
///
/// Rank `r` tests only its own contiguous slice of `0..limit` (shares differ
/// by at most one, see [`crate::demos::collectives::share_range`]), so that
/// every number is tested exactly once across the group.
pub fn count_everywhere(world: &SimpleCommunicator, limit: u64, is_match: fn(u64) -> bool) -> u64 {
    // TODO: count your own slice, then combine the counts so that every rank
    // ends up with the same total.
    let _ = (world, limit, is_match);
    todo!("count this rank's slice, then combine the counts so that every rank gets the total")
}
// ANCHOR_END: starter
