//! `mpirun -np 2 target/debug/send_deadlock BYTES [--together]`: two ranks swap
//! messages, both sending first. Small messages get through; large ones
//! deadlock (stop it with Ctrl-C). With `--together` they use `send_receive`.

use beyond::demos::deadlock::{swap_sending_first, swap_together};
use mpi::traits::*;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bytes: usize = args
        .first()
        .map_or(16, |a| a.parse().expect("BYTES is a number"));
    let together = args.iter().any(|a| a == "--together");
    let universe = mpi::initialize().expect("MPI was already initialised");
    let world = universe.world();
    assert_eq!(world.size(), 2, "send_deadlock needs exactly two ranks");
    let got = if together {
        swap_together(&world, bytes)
    } else {
        swap_sending_first(&world, bytes)
    };
    println!("rank {} received {got} bytes", world.rank());
}
