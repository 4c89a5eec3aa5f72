//! WRONG: every rank counts the whole range, then the counts are added up
//! EXPECT: some numbers were tested by more than one rank
//! CLAUSE: 1
//!
//! The total comes out `size` times too large, and no time is saved.

use mpi::collective::SystemOperation;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

pub fn count_everywhere(world: &SimpleCommunicator, limit: u64, is_match: fn(u64) -> bool) -> u64 {
    let local = (0..limit).filter(|&n| is_match(n)).count() as u64;
    let mut total = 0u64;
    world.all_reduce_into(&local, &mut total, SystemOperation::sum());
    total
}
