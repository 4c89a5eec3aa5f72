//! The source tutorial's producer and consumer, with a sentinel and with
//! closing.

use processes::demos::process::ExitStatus;
use queues::demos::producer_consumer::{with_close, with_sentinel};
use testkit::DEADLINE;

#[test]
fn the_sentinel_stops_the_consumer_after_every_item() {
    let _clean = testkit::process_scope();
    let (producer, consumer) = testkit::within(
        DEADLINE,
        "the producer/consumer pair",
        "deadlock: the consumer never saw the sentinel",
        || with_sentinel(5).unwrap(),
    );
    assert_eq!(producer, ExitStatus::Exited(0));
    assert_eq!(consumer, ExitStatus::Exited(0));
}

#[test]
fn the_producer_consumer_program_consumes_every_item_in_order() {
    let _clean = testkit::process_scope();
    let run = testkit::run_program(testkit::bin_path!("producer_consumer"), &[], DEADLINE);
    assert!(run.status.success(), "{run:?}");
    let consumed: Vec<&str> = run
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("Consumed"))
        .collect();
    let expected: Vec<String> = (0..5).map(|i| format!("Consumed item {i}")).collect();
    assert_eq!(
        consumed, expected,
        "the consumer's lines, in order; the output:\n{}",
        run.stdout
    );
    let produced = run
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("Produced item"))
        .count();
    assert_eq!(produced, 5, "{}", run.stdout);
}

#[test]
fn closing_ends_every_consumer_without_sentinels() {
    let _clean = testkit::process_scope();
    let statuses = testkit::within(
        DEADLINE,
        "three consumers waiting for the end of the queue",
        "deadlock: a consumer never saw the end; does some process still hold a Sender?",
        || with_close(30, 3).unwrap(),
    );
    let taken: i32 = statuses
        .iter()
        .map(|s| match s {
            ExitStatus::Exited(n) => *n,
            other => panic!("a consumer {other}"),
        })
        .sum();
    assert_eq!(
        taken, 30,
        "the consumers took {statuses:?} items: 30 in all, each once"
    );
}

#[test]
fn the_close_program_reports_every_item_taken() {
    let _clean = testkit::process_scope();
    let run = testkit::run_program(
        testkit::bin_path!("close_instead_of_sentinel"),
        &[],
        DEADLINE,
    );
    assert!(run.status.success(), "{run:?}");
    assert_eq!(
        run.count_lines_containing("end of queue after"),
        2,
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("items taken in all: 6"),
        "{}",
        run.stdout
    );
}
