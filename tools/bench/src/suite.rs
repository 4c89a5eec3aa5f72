//! The list of Rust benchmarks, run either by criterion or by the quick
//! fixed-iteration harness of [`crate::quick`].

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, measurement::WallTime};
use serde::Deserialize;

use crate::workloads as w;

/// One Rust benchmark: an id `group/name` (the id criterion files it under,
/// and the key in the results) and the function that times `iters` runs.
#[derive(Clone, Copy)]
pub struct Bench {
    pub group: &'static str,
    pub name: &'static str,
    pub run: fn(u64) -> Duration,
    /// Iterations per timed batch in quick mode: enough for a batch of
    /// roughly 20 to 100 ms on a laptop.
    pub quick_iters: u64,
}

impl Bench {
    /// `group/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.group, self.name)
    }
}

/// Criterion settings for one group: slow operations get fewer samples.
#[derive(Clone, Copy)]
pub struct GroupConfig {
    pub group: &'static str,
    pub sample_size: usize,
}

pub const GROUPS: &[GroupConfig] = &[
    GroupConfig {
        group: "thread",
        sample_size: 50,
    },
    GroupConfig {
        group: "process",
        sample_size: 30,
    },
    GroupConfig {
        group: "pipe",
        sample_size: 20,
    },
    GroupConfig {
        group: "queue",
        sample_size: 20,
    },
    GroupConfig {
        group: "counter",
        sample_size: 30,
    },
    GroupConfig {
        group: "cpu",
        sample_size: 20,
    },
    GroupConfig {
        group: "map",
        sample_size: 20,
    },
];

/// Every Rust benchmark, in the order they run. The process, pipe and queue
/// benchmarks fork, so they run before anything starts a thread pool that
/// would still be alive at the fork.
pub fn all() -> Vec<Bench> {
    vec![
        bench("thread", "spawn_join", w::thread_spawn_join, 2_000),
        bench("thread", "pthread_floor", w::pthread_create_join, 2_000),
        bench("process", "process_start_join", w::process_start_join, 200),
        bench("process", "fork_floor", w::fork_exit_waitpid, 200),
        bench("process", "command_true", w::command_spawn_wait, 50),
        bench("pipe", "framed_64k", w::pipe_framed, 2_000),
        bench("pipe", "framed_64k_vec", w::pipe_framed_vec, 500),
        bench("pipe", "raw_64k_floor", w::pipe_raw, 2_000),
        bench("queue", "small_items", w::queue_items, 50_000),
        bench("queue", "write_read_floor", w::queue_floor, 50_000),
        bench(
            "queue",
            "ring_items",
            crate::ring_queue::ring_items,
            500_000,
        ),
        bench("counter", "mutex_1", |n| w::mutex_counter(1, n), 2_000_000),
        bench("counter", "mutex_2", |n| w::mutex_counter(2, n), 1_000_000),
        bench(
            "counter",
            "atomic_1",
            |n| w::atomic_counter(1, n),
            2_000_000,
        ),
        bench(
            "counter",
            "atomic_2",
            |n| w::atomic_counter(2, n),
            1_000_000,
        ),
        bench("cpu", "threads_1", |n| w::primes(1, n), 2),
        bench("cpu", "threads_2", |n| w::primes(2, n), 2),
        bench("map", "process_pool", w::map_process_pool, 5),
        bench("map", "thread_pool", w::map_thread_pool, 2),
        bench("map", "loop", w::map_loop, 20),
        bench("map", "rayon", w::map_rayon, 20),
    ]
}

pub(crate) fn bench(
    group: &'static str,
    name: &'static str,
    run: fn(u64) -> Duration,
    quick_iters: u64,
) -> Bench {
    Bench {
        group,
        name,
        run,
        quick_iters,
    }
}

/// Registers every benchmark whose id contains `filter` with criterion,
/// group by group, with the group's sample size.
pub fn register(c: &mut Criterion<WallTime>, filter: Option<&str>) {
    let benches = all();
    for config in GROUPS {
        let selected: Vec<&Bench> = benches
            .iter()
            .filter(|b| b.group == config.group)
            .filter(|b| filter.is_none_or(|f| b.id().contains(f)))
            .collect();
        if selected.is_empty() {
            continue;
        }
        let mut group = c.benchmark_group(config.group);
        group.sample_size(config.sample_size);
        for b in selected {
            let run = b.run;
            group.bench_function(b.name, move |bencher| bencher.iter_custom(run));
        }
        group.finish();
    }
}

/// Runs the benchmarks (those whose id contains `filter`) with criterion,
/// which files its analysis under `out_dir`, and returns the median seconds
/// per iteration of each, read back from criterion's `estimates.json`.
pub fn run_criterion(out_dir: &Path, filter: Option<&str>) -> io::Result<BTreeMap<String, f64>> {
    let mut criterion = Criterion::default()
        .output_directory(out_dir)
        .without_plots()
        .warm_up_time(Duration::from_millis(1500))
        .measurement_time(Duration::from_secs(4));
    register(&mut criterion, filter);
    criterion.final_summary();

    let mut medians = BTreeMap::new();
    for bench in all() {
        if filter.is_some_and(|f| !bench.id().contains(f)) {
            continue;
        }
        let path = out_dir
            .join(bench.group)
            .join(bench.name)
            .join("new/estimates.json");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("criterion wrote no {}: {e}", path.display()),
            )
        })?;
        medians.insert(bench.id(), median_seconds(&text)?);
    }
    Ok(medians)
}

/// The median, in seconds, from criterion's `estimates.json` (which holds
/// nanoseconds per iteration).
pub fn median_seconds(estimates_json: &str) -> io::Result<f64> {
    #[derive(Deserialize)]
    struct Estimates {
        median: Estimate,
    }
    #[derive(Deserialize)]
    struct Estimate {
        point_estimate: f64,
    }
    let estimates: Estimates = serde_json::from_str(estimates_json)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    Ok(estimates.median.point_estimate * 1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_group_is_configured() {
        let benches = all();
        let ids: std::collections::BTreeSet<String> = benches.iter().map(Bench::id).collect();
        assert_eq!(ids.len(), benches.len(), "two benchmarks share an id");
        for b in &benches {
            assert!(
                GROUPS.iter().any(|g| g.group == b.group),
                "{} has no GroupConfig: criterion would never run it",
                b.id()
            );
        }
    }

    #[test]
    fn reads_the_median_of_criterion_estimates() {
        let json = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":1500.0,"standard_error":1.0},
                       "median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":1200.0,"standard_error":1.0},
                       "median_abs_dev":null,"slope":null,"std_dev":null}"#;
        let seconds = median_seconds(json).expect("valid estimates");
        assert!((seconds - 1.2e-6).abs() < 1e-15, "got {seconds}");
    }

    #[test]
    fn every_row_refers_to_a_real_benchmark() {
        let ids: Vec<String> = all().iter().map(Bench::id).collect();
        for row in crate::report::rows() {
            for id in row.rust.iter().chain(row.floor.iter()) {
                assert!(
                    ids.iter().any(|i| i == id),
                    "row {:?} names unknown Rust id {id}",
                    row.title
                );
            }
        }
    }
}
