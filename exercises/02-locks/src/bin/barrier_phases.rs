//! `cargo run -p locks --bin barrier_phases`: two phases of work separated
//! by a Barrier.

use locks::demos::barrier::{Step, phased_sum};

fn main() {
    let (workers, n) = (4, 1_000);
    let run = phased_sum(workers, n);
    for step in &run.log {
        match step {
            Step::Phase1Done { worker } => println!("worker {worker}: stored its partial sum"),
            Step::Phase2Done { worker } => println!("worker {worker}: added up all partial sums"),
        }
    }
    println!(
        "totals: {:?} (expected {} each)",
        run.totals,
        n * (n + 1) / 2
    );
    println!("barrier leaders: {}", run.leaders);
}
