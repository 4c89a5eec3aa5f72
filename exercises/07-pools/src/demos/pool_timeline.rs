//! Who did what, when: the same `map(busy_square, 0..n)` on the three pools,
//! recorded with the `timeline` crate.

use std::sync::Arc;

use timeline::{Recorder, Span, Timeline};

use super::process_pool::{PoolError, ProcessPool, python_chunksize};
use super::rayon_map::par_map_on;
use super::tasks::busy_square;
use super::thread_pool::ThreadPool;

// ANCHOR: timed_task
/// `busy_square`, measured where it runs: a worker process sends its span
/// back with the result, since it cannot write into the parent's memory.
fn timed_busy_square(x: u64) -> (u64, Span) {
    let lane = format!("process {}", std::process::id());
    Span::measure(&lane, &x.to_string(), || busy_square(x))
}
// ANCHOR_END: timed_task

/// The process pool's timeline: `workers` processes, chunks of `chunksize`.
pub fn process_pool(
    workers: usize,
    items: &[u64],
    chunksize: usize,
) -> Result<Timeline, PoolError> {
    let mut pool = ProcessPool::new(workers)?;
    // SAFETY: `timed_busy_square` computes, calls getpid and clock_gettime
    // (async-signal-safe) and allocates for its span.
    let results: Vec<(u64, Span)> =
        unsafe { pool.imap(timed_busy_square, items, chunksize) }?.collect::<Result<_, _>>()?;
    let spans = results.into_iter().map(|(_, span)| span).collect();
    Ok(Timeline::new(spans).title(&format!(
        "ProcessPool: {workers} processes, {} items in chunks of {chunksize}",
        items.len()
    )))
}

/// The thread pool's timeline: one job per chunk, Python's chunk size.
pub fn thread_pool(workers: usize, items: &[u64]) -> Timeline {
    let recorder = Arc::new(Recorder::new());
    let pool = ThreadPool::new(workers);
    let shared = Arc::clone(&recorder);
    let task = move |x: u64| {
        let thread = std::thread::current();
        let lane = thread.name().unwrap_or("unnamed");
        shared.record(lane, &x.to_string(), || busy_square(x))
    };
    pool.map(task, items.to_vec())
        .expect("busy_square does not panic");
    recorder.timeline().title(&format!(
        "ThreadPool: {workers} threads, {} items in chunks of {}",
        items.len(),
        python_chunksize(items.len(), workers)
    ))
}

/// rayon's timeline: `par_iter` on a pool of `workers` threads.
pub fn rayon(workers: usize, items: &[u64]) -> Timeline {
    let recorder = Recorder::new();
    par_map_on(
        workers,
        |&x: &u64| {
            let thread = std::thread::current();
            let lane = thread.name().unwrap_or("unnamed");
            recorder.record(lane, &x.to_string(), || busy_square(x))
        },
        items,
    );
    recorder.timeline().title(&format!(
        "rayon par_iter: {workers} threads, work stealing, {} items",
        items.len()
    ))
}
