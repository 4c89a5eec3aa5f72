//! Exercise: chapter 7's `map` spread over every rank (solution).

use mpi::Count;
use mpi::datatype::{Partition, PartitionMut};
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

use crate::demos::collectives::share_range;

// ANCHOR: spread_map
/// Applies `f` to every number of `input` (read on rank 0) using every rank;
/// the results come back to rank 0 in input order.
pub fn spread_map(
    world: &SimpleCommunicator,
    input: &[u64],
    f: fn(u64) -> u64,
) -> Option<Vec<u64>> {
    let root = world.process_at_rank(0);
    let is_root = world.rank() == 0;
    let size = world.size() as usize;

    // Everybody needs the length to size its buffers: rank 0 broadcasts it.
    let mut n = input.len() as u64;
    root.broadcast_into(&mut n);
    let n = n as usize;
    let counts: Vec<Count> = (0..size)
        .map(|r| share_range(n, size, r).len() as Count)
        .collect();
    let displs: Vec<Count> = (0..size)
        .map(|r| share_range(n, size, r).start as Count)
        .collect();

    let mut share = vec![0u64; counts[world.rank() as usize] as usize];
    if is_root {
        root.scatter_varcount_into_root(
            &Partition::new(input, &counts[..], &displs[..]),
            &mut share[..],
        );
    } else {
        root.scatter_varcount_into(&mut share[..]);
    }

    let mapped: Vec<u64> = share.into_iter().map(f).collect();

    if is_root {
        let mut results = vec![0u64; n];
        root.gather_varcount_into_root(
            &mapped[..],
            &mut PartitionMut::new(&mut results[..], &counts[..], &displs[..]),
        );
        Some(results)
    } else {
        root.gather_varcount_into(&mapped[..]);
        None
    }
}
// ANCHOR_END: spread_map
