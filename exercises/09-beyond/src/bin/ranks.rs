//! Rank and size beside pid. Build once, then let mpirun start the binary
//! (not `cargo run`, which would start one cargo per rank):
//! `cargo build -p beyond --bin ranks` then
//! `mpirun -np 2 target/debug/ranks` (or `mpirun --oversubscribe -np 4 ...`
//! for more ranks than cores).

use beyond::demos::ranks::whoami;

fn main() {
    let universe = mpi::initialize().expect("MPI was already initialised");
    println!("{}", whoami(&universe.world()));
}
