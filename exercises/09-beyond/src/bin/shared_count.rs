//! `mpirun --oversubscribe -np 4 target/debug/shared_count`: chapter 6's shared counter with
//! reduce and all_reduce instead of shared memory.

use beyond::demos::collectives::count_together;
use mpi::traits::*;

fn main() {
    let increments: u64 = std::env::args()
        .nth(1)
        .map_or(100_000, |a| a.parse().expect("a number"));
    let universe = mpi::initialize().expect("MPI was already initialised");
    let world = universe.world();
    let (reduced, everywhere) = count_together(&world, increments);
    match reduced {
        Some(total) => println!("rank 0: reduce gave {total}, all_reduce gave {everywhere}"),
        None => println!("rank {}: all_reduce gave {everywhere}", world.rank()),
    }
}
