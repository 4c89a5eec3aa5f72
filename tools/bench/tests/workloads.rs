//! Every benchmark runs, does the whole of its work, and cleans up after
//! itself: a workload that lost messages or left a zombie behind would
//! measure something else than the page says.

use std::time::Duration;

use bench::suite;
use testkit::{DEADLINE, process_scope, within};

#[test]
fn every_rust_benchmark_runs_a_few_iterations_and_leaves_nothing_behind() {
    for bench in suite::all() {
        let _clean = process_scope();
        let id = bench.id();
        let took: Duration = within(
            DEADLINE,
            &format!("benchmark {id}"),
            "a child never exited or a pipe end stayed open in the parent, so the \
             reader never saw end-of-file",
            move || (bench.run)(3),
        );
        assert!(
            took > Duration::ZERO,
            "{id} reported zero time for 3 iterations: is the clock read around the work?"
        );
    }
}

#[test]
fn count_primes_gives_the_same_count_on_any_number_of_threads() {
    for threads in 1..=3 {
        assert_eq!(
            bench::workloads::count_primes(10_000, threads),
            1229,
            "there are 1229 primes below 10 000; with {threads} threads some \
             block was counted twice or skipped: check the block stride"
        );
    }
}
