//! `mpirun -np 2 target/release/mpi_measure [REPEATS] [N]`: the chapter's
//! measurements as one JSON line on rank 0, for `cargo course bench`
//! (`map(square)` over `0..N`, a million by default).

use beyond::demos::measure::measure;
use mpi::traits::*;

fn main() {
    let repeats: usize = std::env::args()
        .nth(1)
        .map_or(5, |a| a.parse().expect("REPEATS is a number"));
    let n: usize = std::env::args()
        .nth(2)
        .map_or(1_000_000, |a| a.parse().expect("N is a number"));
    let universe = mpi::initialize().expect("MPI was already initialised");
    let world = universe.world();
    if world.size() < 2 {
        eprintln!("mpi_measure needs at least two ranks: mpirun -np 2 ...");
        std::process::exit(2);
    }
    if let Some(m) = measure(&world, repeats, n) {
        println!(
            "{{\"round_trip_us\": {:.3}, \"bandwidth_mb_s\": {:.1}, \"square_map_ms\": {:.3}}}",
            m.round_trip_us, m.bandwidth_mb_s, m.square_map_ms
        );
    }
}
