//! WRONG: every rank gets n / size numbers and the last rank also takes the whole remainder
//! EXPECT: shares must differ by at most one
//! CLAUSE: 2
//!
//! Nothing is lost, but with 10 numbers on 4 ranks the last rank does twice
//! the work of the others, and everybody waits for it.

use mpi::Count;
use mpi::datatype::{Partition, PartitionMut};
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
    let n = n as usize;
    let chunk = n / size;
    let counts: Vec<Count> = (0..size)
        .map(|r| if r == size - 1 { n - chunk * (size - 1) } else { chunk } as Count)
        .collect();
    let displs: Vec<Count> = (0..size).map(|r| (r * chunk) as Count).collect();
    let mut share = vec![0u64; counts[world.rank() as usize] as usize];
    if world.rank() == 0 {
        root.scatter_varcount_into_root(
            &Partition::new(input, &counts[..], &displs[..]),
            &mut share[..],
        );
    } else {
        root.scatter_varcount_into(&mut share[..]);
    }
    let mapped: Vec<u64> = share.into_iter().map(f).collect();
    if world.rank() == 0 {
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
