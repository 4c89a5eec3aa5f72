//! Several processes increment one shared counter with a load and then a
//! store: two atomic operations, no undefined behaviour, and yet lost updates.
//! `cargo run -p shared-memory --bin lost_updates -- [processes] [increments]`

use shared_memory::demos::counter::{Increment, count_in_processes};

fn main() -> std::io::Result<()> {
    let (processes, increments) = args();
    let tally = count_in_processes(processes, increments, Increment::LoadThenStore)?;
    println!("{processes} processes x {increments} increments with a load, then a store");
    println!("expected: {}", tally.expected);
    println!("actual:   {}", tally.actual);
    let percent = 100.0 * tally.lost() as f64 / tally.expected.max(1) as f64;
    println!("lost:     {} ({percent:.1}%)", tally.lost());
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
