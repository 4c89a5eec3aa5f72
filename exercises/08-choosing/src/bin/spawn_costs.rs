//! What it costs to start and wait for a thread, a forked process and a new
//! program. `cargo run -p choosing --bin spawn_costs --release [runs]`

use choosing::demos::costs::{fork_join, program_spawn_wait, thread_spawn_join};

fn main() -> std::io::Result<()> {
    let runs: u32 = std::env::args()
        .nth(1)
        .map_or(200, |a| a.parse().expect("a number of runs"));
    for cost in [
        thread_spawn_join(runs)?,
        fork_join(runs)?,
        program_spawn_wait(runs)?,
    ] {
        println!(
            "{:<30} {:>8.1} µs each (mean of {})",
            cost.what,
            cost.mean.as_secs_f64() * 1e6,
            cost.runs
        );
    }
    Ok(())
}
