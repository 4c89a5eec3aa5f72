//! Exercise: a count that every rank knows (solution).

use mpi::collective::SystemOperation;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

use crate::demos::collectives::share_range;

// ANCHOR: count_everywhere
/// Counts the matches in `0..limit`, each rank its own slice, and returns
/// the total on every rank.
pub fn count_everywhere(world: &SimpleCommunicator, limit: u64, is_match: fn(u64) -> bool) -> u64 {
    let mine = share_range(limit as usize, world.size() as usize, world.rank() as usize);
    let local = (mine.start as u64..mine.end as u64)
        .filter(|&n| is_match(n))
        .count() as u64;
    // `reduce` would give the sum to rank 0 alone; `all_reduce` gives it to all.
    let mut total = 0u64;
    world.all_reduce_into(&local, &mut total, SystemOperation::sum());
    total
}
// ANCHOR_END: count_everywhere
