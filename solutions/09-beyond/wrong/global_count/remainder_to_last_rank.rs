//! WRONG: slices of limit / size, and the last rank takes the whole remainder
//! EXPECT: they must differ by at most one
//! CLAUSE: 2
//!
//! Correct totals, but with 1003 numbers on 4 ranks the last rank tests 253
//! and the others 250; with larger remainders, one rank holds up all.

use mpi::collective::SystemOperation;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

pub fn count_everywhere(world: &SimpleCommunicator, limit: u64, is_match: fn(u64) -> bool) -> u64 {
    let (rank, size) = (world.rank() as u64, world.size() as u64);
    let chunk = limit / size;
    let start = rank * chunk;
    let end = if rank == size - 1 {
        limit
    } else {
        start + chunk
    };
    let local = (start..end).filter(|&n| is_match(n)).count() as u64;
    let mut total = 0u64;
    world.all_reduce_into(&local, &mut total, SystemOperation::sum());
    total
}
