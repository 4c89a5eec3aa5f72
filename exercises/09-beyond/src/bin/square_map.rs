//! `mpirun --oversubscribe -np 4 target/debug/square_map`: chapter 7's map(square) with
//! scatter and gather.

use beyond::demos::collectives::square_map;

fn main() {
    let per_rank: usize = std::env::args()
        .nth(1)
        .map_or(3, |a| a.parse().expect("a number"));
    let universe = mpi::initialize().expect("MPI was already initialised");
    let world = universe.world();
    if let Some(squares) = square_map(&world, per_rank) {
        println!("rank 0 gathered {squares:?}");
    }
}
