//! ALT: point-to-point sends instead of scatter and gather
//!
//! Rank 0 sends each rank its slice and receives the results back in rank
//! order. More messages from one rank than a scatter needs, but correct.

use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

use crate::demos::collectives::share_range;

pub fn spread_map(
    world: &SimpleCommunicator,
    input: &[u64],
    f: fn(u64) -> u64,
) -> Option<Vec<u64>> {
    let (rank, size) = (world.rank(), world.size() as usize);
    let root = world.process_at_rank(0);
    if rank == 0 {
        let n = input.len();
        for r in 1..size {
            world
                .process_at_rank(r as i32)
                .send(&input[share_range(n, size, r)]);
        }
        let mut results: Vec<u64> = input[share_range(n, size, 0)]
            .iter()
            .map(|&x| f(x))
            .collect();
        for r in 1..size {
            let (part, _) = world.process_at_rank(r as i32).receive_vec::<u64>();
            results.extend(part);
        }
        Some(results)
    } else {
        let (mine, _) = root.receive_vec::<u64>();
        let mapped: Vec<u64> = mine.into_iter().map(f).collect();
        root.send(&mapped[..]);
        None
    }
}
