//! `cargo run --release -p queues --bin ring_vs_pipe [items] [pipe|ring|floor]`:
//! the same small items through the pipe queue and through the shared-memory
//! ring (or only one of them), with the context switches the kernel counted
//! for each side; then the price of one wake-up, from a ping-pong between two
//! processes.

// The measurements are left out of the loom build (`--cfg queues_loom`),
// which has no ring between processes: this program is then empty.
#[cfg(queues_loom)]
fn main() {}

#[cfg(not(queues_loom))]
use queues::demos::throughput::{
    Run, ping_pong, through_bare_pipe, through_pipe_queue, through_ring,
};

#[cfg(not(queues_loom))]
/// Who does what in the queue runs: this process consumes, its child produces.
const QUEUE: [&str; 2] = ["consumer", "producer"];

#[cfg(not(queues_loom))]
fn show(name: &str, unit: &str, [parent, child]: [&str; 2], run: &Run) {
    let per_item = |n: i64| n as f64 / run.items as f64;
    println!(
        "{name}: {} {unit}s in {:.1} ms, {:.0} {unit}s/s",
        run.items,
        run.elapsed.as_secs_f64() * 1e3,
        run.items_per_second()
    );
    println!(
        "    {parent}: slept {} times, preempted {} ({:.4} switches per {unit})",
        run.consumer_switches.0,
        run.consumer_switches.1,
        per_item(run.consumer_switches.0 + run.consumer_switches.1)
    );
    println!(
        "    {child}: slept {} times, preempted {} ({:.4} switches per {unit})",
        run.producer_switches.0,
        run.producer_switches.1,
        per_item(run.producer_switches.0 + run.producer_switches.1)
    );
}

#[cfg(not(queues_loom))]
fn main() -> std::io::Result<()> {
    let items: u64 = match std::env::args().nth(1) {
        Some(arg) => arg
            .parse()
            .map_err(|_| std::io::Error::other(format!("not a number of items: {arg}")))?,
        None => 200_000,
    };
    // Other programs compete for the cores: say how many were runnable.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().next().unwrap_or("unknown");
    println!(
        "{} cores, load average {load} (other programs' runnable tasks)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let which = std::env::args().nth(2).unwrap_or_default();
    if which == "floor" || which == "pipe" {
        // What the pipe queue is measured against: one write(2) and one
        // read(2) of a 16-byte record per item, nothing else.
        show("pipe floor", "item", QUEUE, &through_bare_pipe(items)?);
    }
    if which != "ring" && which != "floor" {
        show("pipe queue", "item", QUEUE, &through_pipe_queue(items)?);
    }
    if which != "pipe" && which != "floor" {
        show(
            "ring of 1024 slots",
            "item",
            QUEUE,
            &through_ring(items, 1024)?,
        );
    }
    if which.is_empty() {
        // Far fewer: each round trip costs two wake-ups.
        let pong = ping_pong((items / 20).max(1))?;
        show("ping-pong", "round trip", ["parent", "child"], &pong);
        println!(
            "    {:.2} µs per wake-up (half a round trip)",
            pong.elapsed.as_secs_f64() * 1e6 / pong.items as f64 / 2.0
        );
    }
    Ok(())
}
