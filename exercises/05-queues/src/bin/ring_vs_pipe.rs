//! `cargo run --release -p queues --bin ring_vs_pipe [items] [pipe|ring]`:
//! the same small items through the pipe queue and through the shared-memory
//! ring (or only one of them), with the context switches the kernel counted
//! for each side.

use queues::demos::throughput::{Run, through_pipe_queue, through_ring};

fn show(name: &str, run: &Run) {
    let per_item = |n: i64| n as f64 / run.items as f64;
    println!(
        "{name}: {} items in {:.1} ms, {:.0} items/s",
        run.items,
        run.elapsed.as_secs_f64() * 1e3,
        run.items_per_second()
    );
    println!(
        "    consumer: slept {} times, preempted {} ({:.4} switches per item)",
        run.consumer_switches.0,
        run.consumer_switches.1,
        per_item(run.consumer_switches.0 + run.consumer_switches.1)
    );
    println!(
        "    producer: slept {} times, preempted {} ({:.4} switches per item)",
        run.producer_switches.0,
        run.producer_switches.1,
        per_item(run.producer_switches.0 + run.producer_switches.1)
    );
}

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
    if which != "ring" {
        show("pipe queue", &through_pipe_queue(items)?);
    }
    if which != "pipe" {
        show("ring of 1024 slots", &through_ring(items, 1024)?);
    }
    Ok(())
}
