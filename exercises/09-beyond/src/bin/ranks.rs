//! `mpirun -np 4 cargo run -p beyond --bin ranks`: rank and size beside pid.
//! Run it through mpirun: `cargo build -p beyond --bin ranks` then
//! `mpirun -np 4 target/debug/ranks`.

use beyond::demos::ranks::whoami;

fn main() {
    let universe = mpi::initialize().expect("MPI was already initialised");
    println!("{}", whoami(&universe.world()));
}
