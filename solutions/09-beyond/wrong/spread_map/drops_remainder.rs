//! WRONG: equal shares of n / size with scatter and gather; the last n % size numbers are dropped
//! EXPECT: must not be dropped
//! CLAUSE: 1
//!
//! Plain `scatter` needs equal shares, so it is tempting to round down.

use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

pub fn spread_map(
    world: &SimpleCommunicator,
    input: &[u64],
    f: fn(u64) -> u64,
) -> Option<Vec<u64>> {
    let root = world.process_at_rank(0);
    let size = world.size() as usize;
    let mut n = input.len() as u64;
    root.broadcast_into(&mut n);
    let per_rank = n as usize / size;
    let mut share = vec![0u64; per_rank];
    if world.rank() == 0 {
        root.scatter_into_root(&input[..per_rank * size], &mut share[..]);
    } else {
        root.scatter_into(&mut share[..]);
    }
    let mapped: Vec<u64> = share.into_iter().map(f).collect();
    if world.rank() == 0 {
        let mut results = vec![0u64; per_rank * size];
        root.gather_into_root(&mapped[..], &mut results[..]);
        Some(results)
    } else {
        root.gather_into(&mapped[..]);
        None
    }
}
