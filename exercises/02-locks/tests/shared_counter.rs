//! Tests of the counter demos and their programs.

use locks::demos::atomic_counter::atomic_counter;
use locks::demos::shared_counter::{decrement, increment, locked_counter};
use std::sync::Mutex;
use testkit::{DEADLINE, bin_path, run_program, within};

#[test]
fn increment_and_decrement_change_the_counter_by_one() {
    let counter = Mutex::new(5);
    increment(&counter);
    increment(&counter);
    decrement(&counter);
    assert_eq!(*counter.lock().unwrap(), 6, "5 + 1 + 1 - 1");
}

#[test]
fn the_locked_counter_loses_no_update() {
    let total = within(
        DEADLINE,
        "the locked counter",
        "a guard was never dropped",
        || locked_counter(8, 4, 10_000),
    );
    assert_eq!(
        total, 40_000,
        "8 x 10000 increments and 4 x 10000 decrements should leave 40000"
    );
}

#[test]
fn the_atomic_counter_loses_no_update() {
    let total = within(
        DEADLINE,
        "the atomic counter",
        "a thread never finished",
        || atomic_counter(8, 4, 10_000),
    );
    assert_eq!(
        total, 40_000,
        "8 x 10000 fetch_add and 4 x 10000 fetch_sub should leave 40000"
    );
}

#[test]
fn more_decrements_than_increments_go_negative() {
    assert_eq!(locked_counter(1, 3, 1_000), -2_000);
    assert_eq!(atomic_counter(1, 3, 1_000), -2_000);
}

#[test]
fn the_lock_counter_program_prints_the_exact_result() {
    let run = run_program(bin_path!("lock_counter"), &[], DEADLINE);
    assert!(run.status.success(), "lock_counter failed: {}", run.stderr);
    assert!(
        run.stdout.contains("counter = 40000 (expected 40000)"),
        "lock_counter should print the exact count; it printed:\n{}",
        run.stdout
    );
}

#[test]
fn the_atomic_counter_program_prints_both_exact_results() {
    let run = run_program(bin_path!("atomic_counter"), &[], DEADLINE);
    assert!(
        run.status.success(),
        "atomic_counter failed: {}",
        run.stderr
    );
    assert_eq!(
        run.count_lines_containing("counter = 400000 (expected 400000)"),
        2,
        "atomic_counter should print the exact count for the Mutex and for the atomic; \
         it printed:\n{}",
        run.stdout
    );
}
