//! `mpirun -np 2 target/debug/ping_pong [BYTES] [ROUNDS]`: the round-trip time
//! of a message between two ranks, and the bandwidth it gives.

use beyond::demos::ping_pong::{bandwidth_mb_s, ping_pong};
use mpi::traits::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let bytes: usize = args
        .next()
        .map_or(8, |a| a.parse().expect("BYTES is a number"));
    let rounds: u32 = args
        .next()
        .map_or(1000, |a| a.parse().expect("ROUNDS is a number"));
    let universe = mpi::initialize().expect("MPI was already initialised");
    let world = universe.world();
    if world.size() < 2 {
        eprintln!("ping_pong needs two ranks: mpirun -np 2 ...");
        std::process::exit(2);
    }
    if let Some(round_trip) = ping_pong(&world, bytes, rounds) {
        println!(
            "{bytes} bytes, {rounds} round trips: {:.2} us per round trip, {:.1} MB/s",
            round_trip.as_secs_f64() * 1e6,
            bandwidth_mb_s(bytes, round_trip)
        );
    }
}
