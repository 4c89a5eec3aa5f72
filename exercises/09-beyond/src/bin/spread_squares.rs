//! `mpirun --oversubscribe -np 4 target/debug/spread_squares N`: the spread_map exercise on
//! the squares of 0..N. Each rank says how many numbers it squared; rank 0
//! prints the results (up to a thousand) and a digest of them.

use std::sync::atomic::{AtomicUsize, Ordering};

use beyond::exercises::spread_map::spread_map;
use mpi::traits::*;

static SQUARED_HERE: AtomicUsize = AtomicUsize::new(0);

fn square(x: u64) -> u64 {
    SQUARED_HERE.fetch_add(1, Ordering::Relaxed);
    x * x
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .map_or(10, |a| a.parse().expect("N is a number"));
    let universe = mpi::initialize().expect("MPI was already initialised");
    let world = universe.world();
    let input: Vec<u64> = if world.rank() == 0 {
        (0..n).collect()
    } else {
        Vec::new()
    };
    let result = spread_map(&world, &input, square);
    println!(
        "rank {} squared {} numbers",
        world.rank(),
        SQUARED_HERE.load(Ordering::Relaxed)
    );
    if let Some(squares) = result {
        // The results themselves for a short input; for a long one (mpirun
        // forwards long output in pieces), their number and a digest that
        // changes when any result changes or moves.
        if squares.len() <= 1000 {
            let text: Vec<String> = squares.iter().map(u64::to_string).collect();
            println!("rank {} result {}", world.rank(), text.join(","));
        }
        println!(
            "rank {} digest of {} results {}",
            world.rank(),
            squares.len(),
            beyond::demos::collectives::digest(&squares)
        );
    }
}
