//! WRONG: each slice stops one short of where the next begins (an inclusive end taken as exclusive)
//! EXPECT: some numbers were tested by no rank
//! CLAUSE: 1
//!
//! `start..start + chunk - 1` leaves out the last number of every slice.

use mpi::collective::SystemOperation;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

pub fn count_everywhere(world: &SimpleCommunicator, limit: u64, is_match: fn(u64) -> bool) -> u64 {
    let (rank, size) = (world.rank() as u64, world.size() as u64);
    let chunk = limit.div_ceil(size);
    let start = rank * chunk;
    let end = ((rank + 1) * chunk).min(limit);
    let local = (start..end.saturating_sub(1).max(start))
        .filter(|&n| is_match(n))
        .count() as u64;
    let mut total = 0u64;
    world.all_reduce_into(&local, &mut total, SystemOperation::sum());
    total
}
