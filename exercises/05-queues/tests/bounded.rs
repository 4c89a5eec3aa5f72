//! A bounded queue: a full queue blocks its producers until a consumer takes
//! an item. Proven with a rendezvous and the kernel's count of free slots,
//! not with sleeps.

use std::sync::Arc;
use std::sync::mpsc;

use processes::demos::process::{ExitStatus, Process};
use queues::demos::queue::bounded;
use testkit::{DEADLINE, Rendezvous};

#[test]
fn a_full_queue_blocks_the_producer_until_a_consumer_takes_an_item() {
    let _clean = testkit::process_scope();
    let (tx, rx) = bounded::<u32>(3).unwrap();
    let filled = Arc::new(Rendezvous::new(2));
    let (sent, sent_log) = mpsc::channel();
    let producer = {
        let filled = Arc::clone(&filled);
        std::thread::spawn(move || {
            for n in 0..3 {
                tx.send(&n).unwrap();
            }
            filled
                .wait(DEADLINE)
                .expect("the test never met the producer");
            tx.send(&3).unwrap(); // the fourth: must wait for room
            sent.send(3).unwrap();
        })
    };
    filled
        .wait(DEADLINE)
        .expect("the producer could not send 3 items into a queue of capacity 3");
    assert_eq!(
        rx.free_slots().unwrap(),
        Some(0),
        "after 3 sends into a queue of capacity 3 there should be no free slot, so the 4th send blocks"
    );
    assert!(
        sent_log.try_recv().is_err(),
        "the 4th send returned although the queue was full"
    );

    assert_eq!(rx.recv().unwrap(), Some(0), "taking one item makes room");
    let fourth = sent_log.recv_timeout(DEADLINE);
    assert_eq!(
        fourth,
        Ok(3),
        "the blocked producer never woke up after a consumer made room"
    );
    testkit::within(
        DEADLINE,
        "the producer thread",
        "it never finished",
        move || producer.join().unwrap(),
    );
    for n in 1..4 {
        assert_eq!(rx.recv().unwrap(), Some(n));
    }
    assert_eq!(
        rx.recv().unwrap(),
        None,
        "the producer is gone, so the queue has ended"
    );
}

#[test]
fn a_bounded_queue_between_processes_delivers_everything_in_order() {
    let _clean = testkit::process_scope();
    let (tx, rx) = bounded::<String>(2).unwrap();
    // SAFETY: the child sends or receives on the queue (read, write and fallocate
    // system calls on pipes and a file, plus encoding, which allocates:
    // allowed, glibc's malloc survives fork).
    let mut producer = unsafe {
        Process::start(move || {
            for n in 0..200 {
                if tx.send(&format!("item {n}")).is_err() {
                    return 1;
                }
            }
            0
        })
    }
    .unwrap();
    let got = testkit::within(
        DEADLINE,
        "draining a bounded queue",
        "deadlock: a slot was not given back, or the queue never ended",
        move || {
            let mut got = Vec::new();
            while let Some(item) = rx.recv().unwrap() {
                got.push(item);
            }
            got
        },
    );
    assert_eq!(producer.join().unwrap(), ExitStatus::Exited(0));
    assert_eq!(
        got,
        (0..200).map(|n| format!("item {n}")).collect::<Vec<_>>()
    );
}

/// A type serde refuses to encode, for a `send` that fails on purpose.
struct Unencodable;

impl serde::Serialize for Unencodable {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("this item refuses to be encoded"))
    }
}

#[test]
fn a_failed_send_gives_its_slot_back() {
    let _clean = testkit::process_scope();
    let (tx, rx) = bounded::<Unencodable>(2).unwrap();
    for attempt in 1..=3 {
        assert!(
            tx.send(&Unencodable).is_err(),
            "an item serde cannot encode must make send fail"
        );
        assert_eq!(
            rx.free_slots().unwrap(),
            Some(2),
            "after {attempt} failed send(s) a queue of capacity 2 must still have 2 free slots: \
             a send that fails must give back the slot it took"
        );
    }
}

#[test]
fn a_panic_inside_with_gives_the_token_back() {
    use queues::demos::token::TokenPipe;
    let _clean = testkit::process_scope();
    let tokens = TokenPipe::new(1).unwrap();
    let outcome = testkit::panics::catch_quietly(|| {
        tokens.with(|| -> std::io::Result<()> { panic!("on purpose") })
    });
    assert!(outcome.is_err(), "the closure panicked, so `with` must too");
    assert_eq!(
        tokens.available().unwrap(),
        1,
        "the token taken by `with` must be back after the closure panicked"
    );
}
