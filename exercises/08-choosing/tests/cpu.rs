//! Tests of the CPU-bound example and of `cpu_scaling`.

use choosing::demos::cpu::{count_primes, count_primes_on_threads, cpu_time_used, is_prime, split};
use std::sync::Arc;
use testkit::{DEADLINE, bin_path, run_program, within};
use timeline::Recorder;

#[test]
fn is_prime_knows_the_small_primes() {
    let primes: Vec<u64> = (0..30).filter(|&n| is_prime(n)).collect();
    assert_eq!(primes, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
    assert_eq!(
        count_primes(0..100_000),
        9_592,
        "there are 9592 primes below 100000"
    );
}

#[test]
fn split_covers_the_range_without_gaps() {
    for (limit, parts) in [(10, 3), (7, 7), (3, 5), (0, 2), (1_000_000, 4)] {
        let ranges = split(limit, parts);
        assert_eq!(ranges.len(), parts);
        assert_eq!(ranges[0].start, 0);
        assert_eq!(ranges[parts - 1].end, limit);
        for pair in ranges.windows(2) {
            assert_eq!(pair[0].end, pair[1].start, "{limit} in {parts}: {ranges:?}");
        }
    }
}

#[test]
fn the_count_is_the_same_on_any_number_of_threads() {
    within(
        DEADLINE,
        "counting primes",
        "a counting thread never ended",
        || {
            for threads in [1, 2, 3, 4, 8] {
                let recorder = Arc::new(Recorder::new());
                let count = count_primes_on_threads(100_000, threads, &recorder);
                assert_eq!(
                    count, 9_592,
                    "primes below 100000 counted on {threads} threads"
                );
                let mut lanes: Vec<String> = recorder.spans().into_iter().map(|s| s.lane).collect();
                lanes.sort();
                lanes.dedup();
                assert_eq!(
                    lanes.len(),
                    threads,
                    "one recorded span per thread: {lanes:?}"
                );
            }
        },
    );
}

#[test]
fn cpu_time_counts_the_work_of_the_threads() {
    let before = cpu_time_used();
    let count = count_primes_on_threads(300_000, 2, &Arc::new(Recorder::new()));
    let after = cpu_time_used();
    assert_eq!(count, 25_997);
    assert!(
        after > before,
        "counting 300000 numbers used CPU time, but getrusage went from {before:?} to {after:?}"
    );
}

#[test]
fn cpu_scaling_prints_the_same_count_for_each_thread_count() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("cpu_scaling"), &["100000"], DEADLINE);
    assert!(run.status.success(), "cpu_scaling failed:\n{}", run.stderr);
    for threads in [1, 2, 4] {
        let line = format!("{threads} thread(s): 9592 primes");
        assert_eq!(
            run.count_lines_containing(&line),
            1,
            "no line {line:?} in:\n{}",
            run.stdout
        );
    }
}
