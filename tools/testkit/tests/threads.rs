//! Threads by id: a census sees the threads a test started, whatever their
//! names, and no longer sees them once they end.

use std::sync::mpsc;
use std::time::Duration;

use testkit::task::current_tid;
use testkit::threads::census;

#[test]
fn a_thread_appears_by_id_whatever_its_name_and_goes_when_it_ends() {
    let census = census();
    let (tx, rx) = mpsc::channel::<()>();
    let (tid_tx, tid_rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("a name chosen by the student".into())
        .spawn(move || {
            tid_tx.send(current_tid()).unwrap();
            let _ = rx.recv();
        })
        .unwrap();
    let tid = tid_rx.recv().unwrap();
    assert_eq!(
        census.appeared_ids().into_iter().collect::<Vec<_>>(),
        vec![tid]
    );
    // Asleep in recv (a futex) until the test sends: the group is quiet.
    let give_up_at = std::time::Instant::now() + testkit::DEADLINE;
    while !census.quiet() {
        assert!(std::time::Instant::now() < give_up_at, "never quiet");
    }
    drop(tx);
    worker.join().unwrap();
    assert!(census.appeared().is_empty());
}

#[test]
fn a_thread_that_sleeps_in_a_loop_is_not_quiet() {
    let census = census();
    let (tx, rx) = mpsc::channel::<()>();
    let worker = std::thread::spawn(move || {
        while rx.try_recv().is_err() {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    assert!(!census.quiet(), "a sleep loop is not a blocked wait");
    assert_eq!(census.appeared().len(), 1);
    tx.send(()).unwrap();
    worker.join().unwrap();
}

#[test]
fn nothing_appeared_is_not_quiet() {
    let census = census();
    assert!(census.appeared().is_empty());
    assert!(!census.quiet());
}
