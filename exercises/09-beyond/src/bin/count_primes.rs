//! `mpirun --oversubscribe -np 4 target/debug/count_primes LIMIT`: the global_count exercise on
//! the primes below LIMIT. Each rank says which numbers it tested.

use std::sync::Mutex;

use beyond::exercises::global_count::count_everywhere;
use mpi::traits::*;

/// (how many numbers this rank tested, their sum, the smallest, the largest)
static TESTED_HERE: Mutex<(u64, u64, u64, u64)> = Mutex::new((0, 0, u64::MAX, 0));

fn is_prime(n: u64) -> bool {
    let mut tested = TESTED_HERE.lock().unwrap();
    *tested = (tested.0 + 1, tested.1 + n, tested.2.min(n), tested.3.max(n));
    drop(tested);
    n >= 2
        && (2..)
            .take_while(|d| d * d <= n)
            .all(|d| !n.is_multiple_of(d))
}

fn main() {
    let limit: u64 = std::env::args()
        .nth(1)
        .map_or(1000, |a| a.parse().expect("LIMIT is a number"));
    let universe = mpi::initialize().expect("MPI was already initialised");
    let world = universe.world();
    let total = count_everywhere(&world, limit, is_prime);
    let (count, sum, low, high) = *TESTED_HERE.lock().unwrap();
    println!(
        "rank {} tested {count} numbers sum {sum} from {low} to {high} total {total}",
        world.rank()
    );
}
