//! WRONG: each rank returns its own count; the counts are never combined
//! EXPECT: not its own count
//! CLAUSE: 3
//!
//! Splitting the work is half of the job; the other half is the reduction.

use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

use crate::demos::collectives::share_range;

pub fn count_everywhere(world: &SimpleCommunicator, limit: u64, is_match: fn(u64) -> bool) -> u64 {
    let mine = share_range(limit as usize, world.size() as usize, world.rank() as usize);
    (mine.start as u64..mine.end as u64)
        .filter(|&n| is_match(n))
        .count() as u64
}
