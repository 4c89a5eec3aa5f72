//! Exercise `result_slots`: each child writes its result into its own slot of
//! a shared array; the parent reads the slots after joining.

use shared_memory::demos::region::SharedValue;
use shared_memory::demos::start_line::StartLine;
use shared_memory::exercises::result_slots::compute_in_children;
use testkit::{DEADLINE, within};

const LIKELY: &str = "a child never exited, or the parent waits for something that never \
                      comes: join every child once, and only after starting them all";

#[test]
fn results_come_back_in_slot_order() {
    let _clean = testkit::process_scope();
    let results = within(DEADLINE, "compute_in_children", LIKELY, || {
        compute_in_children(6, |i| (i as u64 + 1).pow(2)).expect("compute_in_children failed")
    });
    assert_eq!(
        results,
        vec![1, 4, 9, 16, 25, 36],
        "slot i should hold work(i) = (i + 1)^2; a 0 means a slot nobody wrote"
    );
}

#[test]
fn no_children_no_results() {
    let _clean = testkit::process_scope();
    let results = within(DEADLINE, "compute_in_children(0, ..)", LIKELY, || {
        compute_in_children(0, |_| 1).expect("compute_in_children(0, ..) failed")
    });
    assert!(
        results.is_empty(),
        "n = 0 should give no results, got {results:?}"
    );
}

#[test]
fn each_result_is_computed_in_a_child_of_its_own() {
    let _clean = testkit::process_scope();
    let parent = std::process::id() as u64;
    let pids = within(DEADLINE, "compute_in_children", LIKELY, || {
        compute_in_children(5, |_| std::process::id() as u64).expect("compute_in_children failed")
    });
    assert!(
        !pids.contains(&parent),
        "work ran in the parent (pid {parent}): {pids:?}; call it in the child, after fork"
    );
    let mut distinct = pids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        5,
        "5 slots should be filled by 5 different processes, got pids {pids:?}"
    );
}

#[test]
fn the_children_run_at_the_same_time() {
    let _clean = testkit::process_scope();
    const N: u32 = 4;
    // A start line in shared memory, mapped before the children are forked:
    // every child waits there until all N have arrived.
    let start = SharedValue::<StartLine>::new().expect("mmap failed");
    let missed = within(DEADLINE, "compute_in_children", LIKELY, move || {
        compute_in_children(N as usize, |_| match start.wait(N, DEADLINE / 2) {
            Ok(()) => 0,
            Err(missed) => u64::from(missed.arrived),
        })
        .expect("compute_in_children failed")
    });
    assert!(
        missed.iter().all(|&m| m == 0),
        "the children never all ran at the same time (arrivals seen by each child when it gave \
         up: {missed:?}): start every child before joining the first one"
    );
}

#[test]
fn a_child_that_fails_is_reported_with_its_slot() {
    let _clean = testkit::process_scope();
    let outcome = within(DEADLINE, "compute_in_children", LIKELY, || {
        compute_in_children(4, |i| {
            if i == 2 {
                panic!("slot 2 fails on purpose");
            }
            i as u64
        })
    });
    let error = outcome.expect_err(
        "the child for slot 2 panicked (exit code 101), so its slot holds no result: \
         compute_in_children should return an error, not Ok",
    );
    assert!(
        error.to_string().contains("slot 2"),
        "the error should name the failed slot as `slot 2`, got: {error}"
    );
}
