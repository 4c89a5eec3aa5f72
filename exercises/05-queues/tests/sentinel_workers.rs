//! Tests of the `sentinel_workers` exercise.

use queues::exercises::sentinel_workers::square_with_workers;
use testkit::DEADLINE;

const MISSING_SENTINEL: &str = "deadlock: a worker never got its sentinel. One None stops one \
     worker: send one per worker, after all the jobs";

fn check(numbers: Vec<u64>, workers: usize) {
    let _clean = testkit::process_scope();
    let mut expected: Vec<u64> = numbers.iter().map(|n| n * n).collect();
    expected.sort_unstable();
    let squares = testkit::within(
        DEADLINE,
        "square_with_workers",
        MISSING_SENTINEL,
        move || square_with_workers(&numbers, workers).expect("square_with_workers failed"),
    );
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
fn workers_with_nothing_to_do_still_stop() {
    check(Vec::new(), 3);
}

#[test]
fn more_workers_than_jobs() {
    check(vec![7, 11], 5);
}
