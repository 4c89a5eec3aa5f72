//! WRONG: rank 0 collects the other ranks' results first and appends its own at the end
//! EXPECT: in input order
//! CLAUSE: 3
//!
//! Every result is there, in the wrong place: rank 0's share is the first
//! part of the input, not the last.

use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

pub fn spread_map(
    world: &SimpleCommunicator,
    input: &[u64],
    f: fn(u64) -> u64,
) -> Option<Vec<u64>> {
    let (rank, size) = (world.rank(), world.size() as usize);
    let root = world.process_at_rank(0);
    let mut n = input.len() as u64;
    root.broadcast_into(&mut n);
    let n = n as usize;
    let share_of = |r: usize| {
        let (base, extra) = (n / size, n % size);
        let start = r * base + r.min(extra);
        start..start + base + usize::from(r < extra)
    };
    if rank == 0 {
        for r in 1..size {
            world.process_at_rank(r as i32).send(&input[share_of(r)]);
        }
        let mut results = Vec::with_capacity(n);
        for r in 1..size {
            let (part, _) = world.process_at_rank(r as i32).receive_vec::<u64>();
            results.extend(part);
        }
        results.extend(input[share_of(0)].iter().map(|&x| f(x)));
        Some(results)
    } else {
        let (mine, _) = root.receive_vec::<u64>();
        let mapped: Vec<u64> = mine.into_iter().map(f).collect();
        root.send(&mapped[..]);
        None
    }
}
