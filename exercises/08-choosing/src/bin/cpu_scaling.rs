//! Counts the primes below a limit on 1, 2 and 4 threads and prints how long
//! each took. `cargo run -p choosing --bin cpu_scaling --release [limit]`

use choosing::demos::cpu::{count_primes_on_threads, cpu_time_used};
use std::sync::Arc;
use std::time::Instant;
use timeline::Recorder;

fn main() {
    let limit: u64 = match std::env::args().nth(1) {
        Some(arg) => arg.parse().expect("the limit is a whole number"),
        None => 3_000_000,
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("counting the primes below {limit} on a machine with {cores} cores");
    let mut one_thread = None;
    for threads in [1, 2, 4] {
        let (started, cpu_before) = (Instant::now(), cpu_time_used());
        let count = count_primes_on_threads(limit, threads, &Arc::new(Recorder::new()));
        let (took, cpu) = (started.elapsed(), cpu_time_used() - cpu_before);
        let base = *one_thread.get_or_insert(took);
        println!(
            "{threads} thread(s): {count} primes in {:>7.1} ms, speed-up x{:.2}, cores busy {:.2}",
            took.as_secs_f64() * 1e3,
            base.as_secs_f64() / took.as_secs_f64(),
            cpu.as_secs_f64() / took.as_secs_f64()
        );
    }
}
