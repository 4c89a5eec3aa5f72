//! Several processes increment one shared counter with `fetch_add`.
//! `cargo run -p shared-memory --bin shared_counter -- [processes] [increments]`

use shared_memory::demos::counter::{Increment, count_in_processes};

fn main() -> std::io::Result<()> {
    let (processes, increments) = args();
    let tally = count_in_processes(processes, increments, Increment::FetchAdd)?;
    println!("{processes} processes x {increments} increments with fetch_add");
    println!("expected: {}", tally.expected);
    println!("actual:   {}", tally.actual);
    println!("lost:     {}", tally.lost());
    Ok(())
}

fn args() -> (u32, u64) {
    let mut args = std::env::args().skip(1);
    let processes = args
        .next()
        .map_or(4, |a| a.parse().expect("processes: a number"));
    let increments = args
        .next()
        .map_or(100_000, |a| a.parse().expect("increments: a number"));
    (processes, increments)
}
