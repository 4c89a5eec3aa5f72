//! Tests of the queue between processes.

use std::collections::BTreeSet;
use std::io;
use std::thread;

use processes::demos::process::{ExitStatus, Process};
use queues::demos::join_before_drain::join_then_drain;
use queues::demos::queue::{INLINE_MAX, queue};
use testkit::DEADLINE;

/// Item `n` of a test: mostly small, every 50th far larger than a frame, so
/// both paths (inline and spilled) are used, interleaved.
fn item(n: u64) -> (u64, Vec<u8>) {
    let len = if n % 50 == 7 {
        3 * INLINE_MAX + (n as usize % 1000)
    } else {
        n as usize % 40
    };
    (n, vec![n as u8; len])
}

#[test]
fn items_from_one_producer_arrive_in_order_then_the_queue_ends() {
    let _clean = testkit::process_scope();
    let (tx, rx) = queue::<(u64, Vec<u8>)>().unwrap();
    // SAFETY: the child sends on the queue (read, write and fallocate
    // system calls on pipes and a file, plus encoding, which allocates:
    // allowed, glibc's malloc survives fork).
    let mut producer = unsafe {
        Process::start(move || {
            for n in 0..500 {
                if tx.send(&item(n)).is_err() {
                    return 1;
                }
            }
            0
        })
    }
    .unwrap();
    let got = testkit::within(
        DEADLINE,
        "receiving 500 items",
        "the queue never ended: some process still holds a Sender",
        move || {
            let mut got = Vec::new();
            while let Some(it) = rx.recv().unwrap() {
                got.push(it);
            }
            got
        },
    );
    assert_eq!(producer.join().unwrap(), ExitStatus::Exited(0));
    assert_eq!(got.len(), 500, "500 items sent, {} received", got.len());
    for (n, received) in got.iter().enumerate() {
        assert!(
            *received == item(n as u64),
            "item {n} arrived out of order or damaged"
        );
    }
}

#[test]
fn many_producer_processes_and_consumer_threads_get_every_item_exactly_once() {
    let _clean = testkit::process_scope();
    const PRODUCERS: u64 = 4;
    const EACH: u64 = 400;
    let (tx, rx) = queue::<(u64, Vec<u8>)>().unwrap();
    let mut producers = Vec::new();
    for p in 0..PRODUCERS {
        let tx = tx.try_clone().unwrap();
        // SAFETY: the child sends on the queue (read, write and fallocate
        // system calls on pipes and a file, plus encoding, which allocates:
        // allowed, glibc's malloc survives fork).
        let producer = unsafe {
            Process::start(move || {
                for n in p * EACH..(p + 1) * EACH {
                    if tx.send(&item(n)).is_err() {
                        return 1;
                    }
                }
                0
            })
        };
        producers.push(producer.unwrap());
    }
    drop(tx);
    let per_consumer: Vec<Vec<u64>> = testkit::within(
        DEADLINE,
        "three consumers draining the queue",
        "deadlock: the consumers never saw the end of the queue",
        move || {
            let consumers: Vec<_> = (0..3)
                .map(|_| {
                    let rx = rx.try_clone().unwrap();
                    thread::spawn(move || {
                        let mut taken = Vec::new();
                        while let Some((n, bytes)) = rx.recv().unwrap() {
                            assert!(bytes == item(n).1, "item {n} damaged: frames interleaved?");
                            taken.push(n);
                        }
                        taken
                    })
                })
                .collect();
            consumers.into_iter().map(|c| c.join().unwrap()).collect()
        },
    );
    for mut producer in producers {
        assert_eq!(producer.join().unwrap(), ExitStatus::Exited(0));
    }
    let all: Vec<u64> = per_consumer.iter().flatten().copied().collect();
    let distinct: BTreeSet<u64> = all.iter().copied().collect();
    assert_eq!(all.len(), distinct.len(), "some item was delivered twice");
    assert_eq!(
        distinct,
        (0..PRODUCERS * EACH).collect(),
        "some item was never delivered"
    );
}

#[test]
fn send_fails_with_broken_pipe_once_every_receiver_is_gone() {
    let _clean = testkit::process_scope();
    let (tx, rx) = queue::<u32>().unwrap();
    drop(rx);
    let err = tx.send(&1).expect_err("nobody can ever read this item");
    assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
}

#[test]
fn joining_a_producer_of_big_items_before_draining_does_not_deadlock() {
    let _clean = testkit::process_scope();
    let (count, size) = (4, 1 << 20); // 4 MiB in all, 64 times the pipe buffer
    let (status, items) = testkit::within(
        DEADLINE,
        "joining the producer before draining",
        "deadlock: the producer could not exit before its items were taken (Python's pitfall)",
        move || join_then_drain(count, size).unwrap(),
    );
    assert_eq!(status, ExitStatus::Exited(0));
    assert_eq!(items.len(), count);
    for (n, it) in items.iter().enumerate() {
        assert!(
            it.len() == size && it.iter().all(|&b| b == n as u8),
            "item {n} damaged"
        );
    }
}

#[test]
fn the_join_before_drain_program_reports_intact_items() {
    let _clean = testkit::process_scope();
    let run = testkit::run_program(testkit::bin_path!("join_before_drain"), &[], DEADLINE);
    assert!(run.status.success(), "{run:?}");
    assert!(
        run.stdout
            .contains("joined the producer first: exited with code 0"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("then drained 4 items, intact: true"),
        "{}",
        run.stdout
    );
}
