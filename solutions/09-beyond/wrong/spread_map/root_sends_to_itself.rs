//! WRONG: point-to-point, and rank 0 treats itself like any other rank: it sends itself its own share before it receives it
//! EXPECT: clause 4 (no rank waits forever
//! CLAUSE: 4
//!
//! With Open MPI's defaults a message to oneself is buffered and the small
//! inputs of the first tests pass. Nothing in the MPI standard promises
//! that: with synchronous sends (and, on some transports, with any large
//! share) rank 0 waits in `send` for a receive it has not reached yet.

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
        // Every rank's share, rank 0's own included.
        for r in 0..size {
            world
                .process_at_rank(r as i32)
                .send(&input[share_range(n, size, r)]);
        }
        let (mine, _) = root.receive_vec::<u64>();
        let mut results: Vec<u64> = mine.into_iter().map(f).collect();
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
