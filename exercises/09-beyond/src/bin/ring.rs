//! `mpirun --oversubscribe -np 4 target/debug/ring [START]`: the ring exercise.

use beyond::exercises::ring::pass_token;
use mpi::traits::*;

fn main() {
    let start: u64 = std::env::args()
        .nth(1)
        .map_or(100, |a| a.parse().expect("START is a number"));
    let universe = mpi::initialize().expect("MPI was already initialised");
    let world = universe.world();
    let hop = pass_token(&world, start);
    println!(
        "rank {} received {} from rank {}",
        world.rank(),
        hop.value,
        hop.from
    );
}
