//! Tests of the `sentinel_workers` exercise.
//!
//! When `square_with_workers` does not return in time, the test looks at
//! what the workers are doing (`/proc/<pid>/syscall`) and names the mistake
//! from that: workers waiting to read have no sentinel, workers blocked
//! writing have nobody reading their results, and workers that all exited
//! while the parent still waits were stopped before the jobs were done.
//!
//! Deadline: a correct run takes milliseconds; [`STUCK`] (4 s) tells "never"
//! from "slow" on a loaded machine and keeps a wrong solution's run (the
//! tests that fork run one at a time) under 10 s in all.

use testkit::stuck as support;

use queues::exercises::sentinel_workers::square_with_workers;
use support::{Doing, STUCK};

/// Runs `square_with_workers` under the deadline; on time-out, fails with a
/// message that names what the workers are stuck on.
fn run(numbers: Vec<u64>, workers: usize) -> std::io::Result<Vec<u64>> {
    let outcome =
        support::finish_or_snapshot(STUCK, move || square_with_workers(&numbers, workers));
    let children = match outcome {
        Ok(result) => {
            support::assert_every_child_joined("square_with_workers");
            return result;
        }
        Err(children) => children,
    };
    let waiting =
        support::count(&children, Doing::Reading) + support::count(&children, Doing::Locking);
    let writing = support::count(&children, Doing::Writing);
    if writing > 0 {
        support::hung(format!(
            "deadlock: {writing} worker(s) blocked writing results that nobody reads. A pipe holds \
             64 KiB; collect the results before joining the workers"
        ));
    }
    if waiting > 0 {
        support::hung(format!(
            "deadlock: a worker never got its sentinel ({waiting} of {workers} still wait in recv). \
             One None stops one worker: send one per worker, after all the jobs"
        ));
    }
    if !children.is_empty() && support::count(&children, Doing::Exited) == children.len() {
        support::hung(
            "every worker has exited but square_with_workers never returned: it waits for results \
             that never come. Were the sentinels sent before the jobs? A worker stops at the first \
             None it takes, jobs or no jobs",
        );
    }
    support::hung(format!(
        "square_with_workers did not return within {STUCK:?}; its workers: {children:?}"
    ));
}

fn check(numbers: Vec<u64>, workers: usize) {
    let _clean = testkit::process_scope();
    let mut expected: Vec<u64> = numbers.iter().map(|n| n * n).collect();
    expected.sort_unstable();
    let squares = run(numbers, workers).unwrap_or_else(|e| {
        panic!(
            "square_with_workers returned an error: {e}. If squares went missing, the workers \
             stopped early: Were the sentinels sent before the jobs? A worker stops at the first \
             None it takes"
        )
    });
    assert_eq!(
        squares, expected,
        "every number squared exactly once, sorted"
    );
}

#[test]
fn one_worker_squares_five_numbers() {
    check(vec![1, 2, 3, 4, 5], 1);
}

#[test]
fn four_workers_each_stop_on_their_own_sentinel() {
    check((0..500).collect(), 4);
}

#[test]
fn results_far_larger_than_a_pipe_buffer() {
    // 10 000 results of about 10 bytes of frame each: half as much again as
    // the 64 KiB a pipe holds, so the workers cannot all finish before the
    // parent starts reading. (Jobs and results in flight still fit in the two
    // pipes, so sending every job before reading any result is fine.)
    check((0..10_000).collect(), 3);
}

#[test]
fn workers_with_nothing_to_do_still_stop() {
    check(Vec::new(), 3);
}

#[test]
fn more_workers_than_jobs() {
    check(vec![7, 11], 5);
}
