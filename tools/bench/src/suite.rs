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
    /// roughly 20 to 100 ms on a laptop. A throughput row's Rust side and
    /// its Python twin run the same number (`tests/method.rs` checks it).
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
    group("thread", 50),
    group("process", 30),
    group("pipe", 20),
    group("queue", 20),
    group("counter", 30),
    group("cpu", 20),
    group("map", 20),
];

const fn group(group: &'static str, sample_size: usize) -> GroupConfig {
    GroupConfig { group, sample_size }
}

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
        bench("pipe", "framed_64k_vec", w::pipe_framed_vec, 2_000),
        bench("pipe", "framed_64k_seq", w::pipe_framed_seq, 2_000),
        bench("pipe", "raw_64k_floor", w::pipe_raw, 2_000),
        bench("queue", "small_items", w::queue_items, 50_000),
        bench("queue", "write_read_floor", w::queue_floor, 50_000),
        bench("queue", "ring_items", crate::ring_queue::ring_items, 50_000),
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
        bench("map", "shared_memory_pool", w::map_shared_memory_pool, 20),
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
/// which files its samples under `out_dir`, and returns the median seconds
/// per iteration of each (see [`criterion_median`]).
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
        medians.insert(
            bench.id(),
            criterion_median(out_dir, bench.group, bench.name)?,
        );
    }
    Ok(medians)
}

/// The median seconds per iteration of benchmark `group/name`, from the
/// samples criterion wrote to `<out_dir>/<group>/<name>/new/raw.csv`.
///
/// Why that file: criterion 0.8 has no public API that hands its
/// statistics back to the program (its reports and its analysis are
/// private), its user guide calls the JSON files it writes
/// (`new/estimates.json`, ...) private and liable to change without
/// warning, and `--output-format bencher` prints whole nanoseconds. The
/// machine-readable stream the guide recommends, `cargo criterion
/// --message-format=json`, is a separate tool to install that would run the
/// benchmarks as another program. What is left is `raw.csv` (the
/// `csv_output` feature): every sample's measured time and iteration count,
/// in the one format the guide documents as stable for external tools. The
/// guide marks CSV output as on its way out in favour of cargo-criterion,
/// so if a criterion release drops it the build fails on the feature
/// instead of reading something else. The median of time / iterations over
/// the samples is the number criterion itself reports as the median (its
/// point estimate is the plain median of the same per-iteration times).
pub fn criterion_median(out_dir: &Path, group: &str, name: &str) -> io::Result<f64> {
    let path = out_dir.join(group).join(name).join("new/raw.csv");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("criterion wrote no {}: {e}", path.display()),
        )
    })?;
    median_of_raw_csv(&text, group, name).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    })
}

/// The median seconds per iteration of the samples of `group/name` in the
/// text of a criterion `raw.csv` (columns are found by their header, so
/// added columns do not matter).
pub fn median_of_raw_csv(raw_csv: &str, group: &str, name: &str) -> Result<f64, String> {
    #[derive(Deserialize)]
    struct Sample {
        group: String,
        function: Option<String>,
        sample_measured_value: f64,
        unit: String,
        iteration_count: u64,
    }
    let mut per_iteration = Vec::new();
    for row in csv::Reader::from_reader(raw_csv.as_bytes()).deserialize::<Sample>() {
        let sample = row.map_err(|e| e.to_string())?;
        if sample.group != group || sample.function.as_deref() != Some(name) {
            continue;
        }
        let seconds_per_unit = match sample.unit.as_str() {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            other => return Err(format!("unknown unit {other:?}")),
        };
        if sample.iteration_count == 0 {
            return Err("a sample of zero iterations".to_string());
        }
        per_iteration
            .push(sample.sample_measured_value * seconds_per_unit / sample.iteration_count as f64);
    }
    if per_iteration.is_empty() {
        return Err(format!("no samples of {group}/{name}"));
    }
    Ok(crate::quick::median(per_iteration))
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
    fn reads_the_median_per_iteration_of_criterions_samples() {
        let csv = "group,function,value,throughput_num,throughput_type,sample_measured_value,unit,iteration_count\n\
                   pipe,framed_64k,,,,1000.0,ns,3\n\
                   pipe,framed_64k,,,,2500.0,ns,6\n\
                   pipe,framed_64k,,,,4000.0,ns,8\n\
                   pipe,other,,,,9.0,ns,1\n";
        // 333.3, 416.7 and 500 ns per iteration: the median keeps the
        // fraction of a nanosecond that the bencher output rounds away.
        let seconds = median_of_raw_csv(csv, "pipe", "framed_64k").expect("valid samples");
        assert!(
            (seconds - 2500.0 / 6.0 * 1e-9).abs() < 1e-18,
            "got {seconds}"
        );
        assert!(median_of_raw_csv(csv, "pipe", "missing").is_err());
        assert!(median_of_raw_csv("group,function\n", "pipe", "framed_64k").is_err());
    }

    #[test]
    fn criterion_writes_the_samples_the_report_reads() {
        // A benchmark whose every iteration "takes" 1.5 µs (iter_custom
        // reports that, whatever the loop took), run by criterion itself:
        // the median read back must be exactly that, so the file, its place
        // and its unit are what criterion_median expects.
        let dir =
            std::env::temp_dir().join(format!("bench-criterion-probe-{}", std::process::id()));
        let mut criterion = Criterion::default()
            .output_directory(&dir)
            .without_plots()
            .sample_size(10)
            .nresamples(2000)
            .warm_up_time(Duration::from_millis(20))
            .measurement_time(Duration::from_millis(50));
        let mut group = criterion.benchmark_group("probe");
        group.bench_function("fixed", |b| {
            b.iter_custom(|iters| {
                // Real work too: criterion's warm-up stops on the clock, and
                // an instant routine would make it double `iters` for ever.
                for i in 0..iters {
                    std::hint::black_box(i);
                }
                Duration::from_nanos(iters.saturating_mul(1500))
            })
        });
        group.finish();
        let median = criterion_median(&dir, "probe", "fixed");
        let _ = std::fs::remove_dir_all(&dir);
        let median = median.expect("criterion's raw.csv of probe/fixed");
        assert!(
            (median - 1.5e-6).abs() < 1e-15,
            "got {median} s, expected 1.5 µs"
        );
    }

    #[test]
    fn every_row_refers_to_a_real_benchmark() {
        let mut ids: Vec<String> = all().iter().map(Bench::id).collect();
        // Chapter 9's rows come from its own program under mpirun.
        ids.extend(crate::mpi::IDS.map(String::from));
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
