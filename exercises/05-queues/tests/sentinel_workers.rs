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

const SQUARES: &str = "clause 1 (every number squared, exactly once, sorted)";
const SENTINELS: &str =
    "clause 2 (one sentinel per worker, after the jobs; every worker stopped and joined)";
const BIG: &str = "clause 3 (results past a pipe's buffer: collected before the join)";
const FAILED: &str = "clause 4 (a failed worker: an error, never a hang)";

/// Runs `square_with_workers` under the deadline; on time-out, fails with a
/// message that names what the workers are stuck on. `on_hang`, if given,
/// is the clause a time-out breaks whatever the workers do.
fn run(numbers: Vec<u64>, workers: usize, on_hang: Option<&str>) -> std::io::Result<Vec<u64>> {
    let outcome =
        support::finish_or_snapshot(STUCK, move || square_with_workers(&numbers, workers));
    let children = match outcome {
        Ok(result) => {
            let joined = testkit::panics::catch_quietly(|| {
                support::assert_every_child_joined("square_with_workers")
            });
            if let Err(message) = joined {
                panic!("{SENTINELS}: {message}");
            }
            return result;
        }
        Err(children) => children,
    };
    let waiting =
        support::count(&children, Doing::Reading) + support::count(&children, Doing::Locking);
    let writing = support::count(&children, Doing::Writing);
    if writing > 0 {
        support::hung(format!(
            "{BIG}: deadlock: {writing} worker(s) blocked writing results that nobody reads. A pipe holds \
             64 KiB; collect the results before joining the workers"
        ));
    }
    if waiting > 0 {
        support::hung(format!(
            "{SENTINELS}: deadlock: a worker never got its sentinel ({waiting} of {workers} still wait in recv). \
             One None stops one worker: send one per worker, after all the jobs"
        ));
    }
    if let Some(clause) = on_hang {
        support::hung(format!(
            "{clause}: square_with_workers did not return within {STUCK:?} although a worker \
             died ({children:?}). A dead worker sends no more results: drop the parent's own \
             results Sender once the workers have theirs, so that the results queue ends \
             when every worker is gone, and stop collecting there"
        ));
    }
    if !children.is_empty() && support::count(&children, Doing::Exited) == children.len() {
        support::hung(format!(
            "{SENTINELS}: every worker has exited but square_with_workers never returned: it \
             waits for results that never come. Were the sentinels sent before the jobs? A \
             worker stops at the first None it takes, jobs or no jobs"
        ));
    }
    support::hung(format!(
        "{SENTINELS}: square_with_workers did not return within {STUCK:?}; its workers: {children:?}"
    ));
}

fn check(numbers: Vec<u64>, workers: usize) {
    let _clean = testkit::process_scope();
    let mut expected: Vec<u64> = numbers.iter().map(|n| n * n).collect();
    expected.sort_unstable();
    let squares = run(numbers, workers, None).unwrap_or_else(|e| {
        panic!(
            "{SENTINELS}: square_with_workers returned an error: {e}. If squares went missing, the workers \
             stopped early: Were the sentinels sent before the jobs? A worker stops at the first \
             None it takes"
        )
    });
    assert_eq!(
        squares, expected,
        "{SQUARES}: every number squared exactly once, sorted"
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

#[test]
fn many_more_workers_than_cores() {
    // 64 workers on a machine of a few cores: they cannot all run at once,
    // and each must still get its own sentinel.
    check((0..1_000).collect(), 64);
}

#[test]
fn a_worker_that_panics_makes_it_fail_instead_of_hanging() {
    // u64::MAX squared overflows: the worker that takes it panics (tests run
    // with overflow checks) and exits with 101, without sending a result or
    // taking its sentinel. The call must return an error, every worker
    // joined, however long the parent keeps anything open. (The worker's
    // panic message shows in the test's output: that is this test.)
    let _clean = testkit::process_scope();
    let numbers = vec![1, 2, u64::MAX, 3, 4];
    let outcome = run(numbers, 3, Some(FAILED));
    assert!(
        outcome.is_err(),
        "{FAILED}: a worker panicked (exit code 101), yet square_with_workers returned \
         {outcome:?}: turn a worker's non-zero exit into an error"
    );
}
