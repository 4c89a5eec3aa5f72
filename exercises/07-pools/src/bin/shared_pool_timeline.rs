//! `cargo run -p pools --bin shared_pool_timeline --release -- src/07-pools`:
//! runs `map(square, 0..10^6)` on the shared-memory pool (2 workers) and
//! writes `timeline-shared-pool.svg` into the folder given (the current one
//! by default): one bar per chunk on its worker's lane, and the parent's
//! copies and waits on a lane of its own. Then it adds up where the time went.

use std::path::PathBuf;

use pools::demos::shared_pool::SharedMemoryPool;
use pools::demos::tasks::square;
use timeline::{Span, Timeline};

const WORKERS: usize = 2;
const ITEMS: u64 = 1_000_000;

/// Milliseconds spent in the spans of `spans` that `pick` picks.
fn total_ms(spans: &[Span], pick: impl Fn(&Span) -> bool) -> f64 {
    let ns: u64 = spans
        .iter()
        .filter(|s| pick(s))
        .map(Span::duration_ns)
        .sum();
    ns as f64 / 1e6
}

// ANCHOR: main
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".to_string()));
    let items: Vec<u64> = (0..ITEMS).collect();
    // SAFETY: the task is `square`, which only computes.
    let mut pool = unsafe { SharedMemoryPool::new(WORKERS, items.len(), square) }?;
    // The first maps touch every page of the mappings and of the result
    // vector (the kernel hands pages out on first use): the picture shows a
    // later one, as the benchmark times.
    for _ in 0..3 {
        pool.map(&items)?;
    }
    let (results, spans) = pool.map_traced(&items)?;
    assert!(results.iter().zip(&items).all(|(&r, &x)| r == square(x)));
    pool.join()?;

    let first = spans.iter().map(|s| s.start_ns).min().unwrap_or(0);
    let last = spans.iter().map(|s| s.end_ns).max().unwrap_or(0);
    let parent =
        |what: &'static str| move |s: &Span| s.lane == "parent" && s.label.starts_with(what);
    let chunks = spans.iter().filter(|s| s.lane != "parent").count();
    let squaring = total_ms(&spans, |s| s.lane != "parent");
    let timeline = Timeline::new(spans.clone())
        .lane_order(&["parent"])
        .title(&format!(
            "SharedMemoryPool: {WORKERS} processes, map(square) over {ITEMS} numbers"
        ));
    let path = folder.join("timeline-shared-pool.svg");
    timeline.write_svg(&path)?;
    println!(
        "{}: {} bars on {} lanes",
        path.display(),
        timeline.bars().len(),
        timeline.lanes().len()
    );
    println!(
        "{:.2} ms from the first copy to the last",
        (last - first) as f64 / 1e6
    );
    println!(
        "parent: {:.2} ms copying items in, {:.2} ms copying results out, {:.2} ms waiting",
        total_ms(&spans, parent("copy in")),
        total_ms(&spans, parent("copy out")),
        total_ms(&spans, parent("wait"))
    );
    println!("workers: {chunks} chunks, {squaring:.2} ms of squaring in all");
    // A bar waits for a core like any program: say how busy the machine was.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "load average {} on {cores} cores",
        load.split(' ').next().unwrap_or("?")
    );
    Ok(())
}
// ANCHOR_END: main
