//! The in-process counterpart: crossbeam-channel.

use crossbeam_channel::{RecvError, bounded, unbounded};
use queues::demos::in_process::square_all;
use testkit::DEADLINE;

#[test]
fn several_workers_square_every_number_exactly_once() {
    let squares = testkit::within(
        DEADLINE,
        "square_all",
        "deadlock: a worker never saw the end of the job channel",
        || square_all((1..=200).collect(), 4),
    );
    let values: Vec<u64> = squares.iter().map(|&(_, s)| s).collect();
    assert_eq!(values, (1..=200u64).map(|n| n * n).collect::<Vec<_>>());
}

#[test]
fn dropping_every_sender_ends_the_receiver_and_dropping_every_receiver_fails_the_sender() {
    let (tx, rx) = unbounded::<u8>();
    let tx2 = tx.clone();
    tx.send(1).unwrap();
    drop(tx);
    assert_eq!(rx.recv(), Ok(1));
    drop(tx2);
    assert_eq!(
        rx.recv(),
        Err(RecvError),
        "no sender left: the channel is disconnected"
    );

    let (tx, rx) = bounded::<u8>(1);
    drop(rx);
    assert!(
        tx.send(7).is_err(),
        "no receiver left: send gives the item back"
    );
}

#[test]
fn the_in_process_program_prints_ten_results() {
    let _clean = testkit::process_scope();
    let run = testkit::run_program(testkit::bin_path!("in_process"), &[], DEADLINE);
    assert!(run.status.success(), "{run:?}");
    assert_eq!(run.count_lines_containing("worker "), 10, "{}", run.stdout);
    assert!(run.stdout.contains("-> 100"), "{}", run.stdout);
}
