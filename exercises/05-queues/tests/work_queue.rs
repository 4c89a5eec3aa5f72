//! Tests of the `work_queue` exercise.

use std::collections::BTreeSet;

use queues::exercises::work_queue::run;
use testkit::DEADLINE;

const DEADLOCK: &str = "deadlock: the consumers never saw the end of the queue. Some process \
     still holds a Sender of the work queue: fork copies every descriptor the parent holds, so \
     drop the parent's last work Sender before forking the consumers";

fn check(producers: usize, each: u64, consumers: usize) {
    let _clean = testkit::process_scope();
    let reports = testkit::within(DEADLINE, "run", DEADLOCK, move || {
        run(producers, each, consumers).expect("run failed")
    });
    assert_eq!(reports.len(), consumers, "one report per consumer");
    let all: Vec<u64> = reports.iter().flatten().copied().collect();
    let distinct: BTreeSet<u64> = all.iter().copied().collect();
    assert_eq!(all.len(), distinct.len(), "some item was delivered twice");
    let expected: BTreeSet<u64> = (0..producers as u64 * each).collect();
    let missing: Vec<_> = expected.difference(&distinct).take(5).collect();
    assert!(
        missing.is_empty(),
        "items never delivered, for example {missing:?}"
    );
    assert_eq!(
        distinct, expected,
        "items that no producer sent were delivered"
    );
    // One pipe, read under a lock: each consumer sees each producer's items
    // in the order that producer sent them.
    for (c, report) in reports.iter().enumerate() {
        for p in 0..producers as u64 {
            let mine: Vec<u64> = report.iter().copied().filter(|n| n / each == p).collect();
            assert!(
                mine.is_sorted(),
                "consumer {c} got producer {p}'s items out of order: {mine:?}"
            );
        }
    }
}

#[test]
fn one_producer_one_consumer() {
    check(1, 10, 1);
}

#[test]
fn three_producers_three_consumers_every_item_exactly_once() {
    check(3, 300, 3);
}

#[test]
fn more_producers_than_consumers() {
    check(5, 200, 2);
}

#[test]
fn no_items_at_all_still_ends() {
    check(2, 0, 3);
}
