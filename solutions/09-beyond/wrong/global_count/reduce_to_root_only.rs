//! WRONG: `reduce` to rank 0 instead of `all_reduce`; the other ranks return their own count
//! EXPECT: every rank must return the total of all ranks' counts (all_reduce)
//! CLAUSE: 3
//!
//! Rank 0's answer is right, which is all a test of rank 0 would see.

use mpi::collective::SystemOperation;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

use crate::demos::collectives::share_range;

pub fn count_everywhere(world: &SimpleCommunicator, limit: u64, is_match: fn(u64) -> bool) -> u64 {
    let mine = share_range(limit as usize, world.size() as usize, world.rank() as usize);
    let local = (mine.start as u64..mine.end as u64)
        .filter(|&n| is_match(n))
        .count() as u64;
    let root = world.process_at_rank(0);
    if world.rank() == 0 {
        let mut total = 0u64;
        root.reduce_into_root(&local, &mut total, SystemOperation::sum());
        total
    } else {
        root.reduce_into(&local, SystemOperation::sum());
        local
    }
}
