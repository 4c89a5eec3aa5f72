//! Issue 22: how fast the pools are, measured, not asserted (a loaded
//! machine makes any bound on a duration flaky). Ignored by default; run in
//! release mode and read the figures:
//!
//! ```text
//! cargo test --release -p pools-solution --test speed -- --ignored --nocapture --test-threads 1
//! ```
//!
//! Each figure is the best of several runs (the least disturbed by the other
//! programs on the machine), with the pools made before the clock starts, as
//! in `tools/bench` and in Python's `bench_pools.py`.

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use pools::demos::process_pool::ProcessPool;
use pools::demos::rayon_map::par_map_on;
use pools::demos::shared_pool::SharedMemoryPool;
use pools::demos::tasks::square;

/// The tutorial's workload, as in `tools/bench`: `map(square)` over 10^6.
const MAP_LEN: u64 = 1_000_000;
const RUNS: usize = 7;

fn best_of(runs: usize, mut work: impl FnMut() -> Vec<u64>) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        let results = black_box(work());
        best = best.min(start.elapsed());
        assert_eq!(results.len(), MAP_LEN as usize);
    }
    best
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Python's `Pool(2).map(square, range(10**6))`, timed by Python itself the
/// same way: the pool made first, the best of several maps.
fn python_pool_map() -> Option<Duration> {
    let script = format!(
        "import multiprocessing, time\n\
         def square(n):\n    return n * n\n\
         if __name__ == '__main__':\n    \
             with multiprocessing.get_context('fork').Pool(2) as pool:\n        \
                 pool.map(square, range({MAP_LEN}))\n        \
                 best = float('inf')\n        \
                 for _ in range({RUNS}):\n            \
                     start = time.perf_counter()\n            \
                     pool.map(square, range({MAP_LEN}))\n            \
                     best = min(best, time.perf_counter() - start)\n    \
             print(best)\n"
    );
    let output = Command::new("python3")
        .args(["-c", &script])
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    text.trim().parse().ok().map(Duration::from_secs_f64)
}

#[test]
#[ignore = "a measurement: run it in release mode with --ignored --nocapture"]
fn map_square_over_a_million_numbers() {
    let items: Vec<u64> = (0..MAP_LEN).collect();
    let lp = best_of(RUNS, || {
        black_box(&items).iter().map(|&x| square(x)).collect()
    });
    let rayon = best_of(RUNS, || par_map_on(2, |&x| square(x), black_box(&items)));
    let mut process_pool = ProcessPool::new(2).expect("fork the process pool");
    let pipes = best_of(RUNS, || {
        // SAFETY: `square` only computes.
        unsafe { process_pool.map(square, &items) }.expect("map")
    });
    for len in [100_000usize, 250_000, 500_000] {
        let mut best = Duration::MAX;
        for _ in 0..RUNS {
            let start = Instant::now();
            // SAFETY: `square` only computes.
            black_box(unsafe { process_pool.map(square, &items[..len]) }.expect("map"));
            best = best.min(start.elapsed());
        }
        println!("  ProcessPool::map over {len}: {:8.2} ms", ms(best));
    }
    for chunks_per_worker in [1, 2, 4, 8] {
        let size = (MAP_LEN as usize).div_ceil(2 * chunks_per_worker);
        let t = best_of(RUNS, || {
            // SAFETY: `square` only computes.
            unsafe { process_pool.imap(square, &items, size) }
                .expect("imap")
                .collect::<Result<Vec<u64>, _>>()
                .expect("imap")
        });
        println!(
            "  ProcessPool::imap, {chunks_per_worker} chunks per worker: {:8.2} ms",
            ms(t)
        );
    }
    // SAFETY: `square` only computes.
    let mut shared_pool = unsafe { SharedMemoryPool::new(2, MAP_LEN as usize, square) }
        .expect("fork the shared-memory pool");
    let shared = best_of(RUNS, || shared_pool.map(&items).expect("map"));
    println!("map(square) over 10^6 u64, 2 workers, best of {RUNS}:");
    println!("  plain loop, one thread    {:8.2} ms", ms(lp));
    println!("  rayon, 2 threads          {:8.2} ms", ms(rayon));
    println!("  SharedMemoryPool          {:8.2} ms", ms(shared));
    println!("  ProcessPool (pipes)       {:8.2} ms", ms(pipes));
    match python_pool_map() {
        Some(python) => println!(
            "  Python Pool(2).map        {:8.2} ms  ({:.1}x the ProcessPool's time)",
            ms(python),
            python.as_secs_f64() / pipes.as_secs_f64()
        ),
        None => println!("  Python Pool(2).map        (python3 did not run)"),
    }
}

/// `x * x` after `STEPS` dependent steps of arithmetic: a task whose cost is
/// chosen, to find where a process pool starts to beat a plain loop.
fn spin<const STEPS: u32>(x: u64) -> u64 {
    let mut state = x;
    for _ in 0..STEPS {
        state = black_box(state.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
    black_box(state);
    x * x
}

/// The loop, rayon and both pools over 10^5 items whose cost grows tenfold
/// from row to row: where the pools' fixed costs (copies, pipes, waking a
/// process) stop mattering.
#[test]
#[ignore = "a measurement: run it in release mode with --ignored --nocapture"]
fn where_a_process_pool_beats_a_loop() {
    fn row<const STEPS: u32>(items: &[u64], pipes: &mut ProcessPool) {
        let best = |work: &mut dyn FnMut() -> Vec<u64>| {
            let mut best = Duration::MAX;
            for _ in 0..5 {
                let start = Instant::now();
                let results = black_box(work());
                best = best.min(start.elapsed());
                assert_eq!(results.len(), items.len());
            }
            best
        };
        let lp = best(&mut || items.iter().map(|&x| spin::<STEPS>(x)).collect());
        let rayon = best(&mut || par_map_on(2, |&x| spin::<STEPS>(x), items));
        // SAFETY: `spin` only computes.
        let mut shared = unsafe { SharedMemoryPool::new(2, items.len(), spin::<STEPS>) }
            .expect("fork the shared-memory pool");
        let shared_t = best(&mut || shared.map(items).expect("map"));
        drop(shared);
        // SAFETY: `spin` only computes.
        let pipes_t = best(&mut || unsafe { pipes.map(spin::<STEPS>, items) }.expect("map"));
        let per_item = lp.as_secs_f64() * 1e9 / items.len() as f64;
        println!(
            "  {STEPS:>6} steps ({per_item:7.1} ns/item): loop {:8.2} ms, rayon {:8.2} ms, \
             SharedMemoryPool {:8.2} ms, ProcessPool {:8.2} ms",
            ms(lp),
            ms(rayon),
            ms(shared_t),
            ms(pipes_t)
        );
    }
    let items: Vec<u64> = (0..100_000).collect();
    let mut pipes = ProcessPool::new(2).expect("fork the process pool");
    println!("map over 10^5 u64, 2 workers, best of 5, work per item growing:");
    row::<1>(&items, &mut pipes);
    row::<10>(&items, &mut pipes);
    row::<100>(&items, &mut pipes);
    row::<1000>(&items, &mut pipes);
    row::<10000>(&items, &mut pipes);
}
