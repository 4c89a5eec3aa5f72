//! WRONG: rank 0 maps the whole input itself; the other ranks do nothing
//! EXPECT: The work must be spread over every rank
//! CLAUSE: 2
//!
//! The result is right and the program is simple, but it is not parallel:
//! three of four ranks sit idle.

use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

pub fn spread_map(
    world: &SimpleCommunicator,
    input: &[u64],
    f: fn(u64) -> u64,
) -> Option<Vec<u64>> {
    if world.rank() == 0 {
        Some(input.iter().map(|&x| f(x)).collect())
    } else {
        None
    }
}
