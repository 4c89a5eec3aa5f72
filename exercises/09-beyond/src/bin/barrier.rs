//! `mpirun --oversubscribe -np 4 target/debug/barrier`: no rank starts phase 2 before every
//! rank has finished phase 1.

use std::time::Duration;

use beyond::demos::collectives::phases;
use mpi::traits::*;

fn main() {
    let universe = mpi::initialize().expect("MPI was already initialised");
    let world = universe.world();
    let (finished, started) = phases(&world, Duration::from_millis(20));
    println!(
        "rank {}: finished phase 1 at {finished} ns, started phase 2 at {started} ns",
        world.rank()
    );
}
