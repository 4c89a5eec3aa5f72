//! Tests of the shared-memory ring between two processes.

use std::io::{self, Read, Write};
use std::sync::mpsc;
use std::thread;

use processes::demos::process::{ExitStatus, Process};
use queues::demos::ring::{SLOT_BYTES, Sender, ring};
use testkit::DEADLINE;
use testkit::task::{current_tid, until_waiting};

/// Item `n`: a number and a short text of varying length, so that items of
/// every size from 2 to 50 encoded bytes pass through the same slots.
fn item(n: u64) -> (u64, String) {
    (n, "x".repeat((n % 41) as usize))
}

/// The system calls a side of the ring may sleep in.
fn is_poll(call: i64) -> bool {
    use nix::libc;
    #[cfg(target_arch = "x86_64")]
    if call == libc::SYS_poll {
        return true;
    }
    call == libc::SYS_ppoll
}

#[test]
fn items_from_another_process_arrive_in_order_then_the_ring_ends() {
    let _clean = testkit::process_scope();
    const ITEMS: u64 = 20_000;
    // 16 slots for 20 000 items: the ring wraps round more than 1000 times,
    // and both sides sleep and wake many times on the way.
    let ring = ring::<(u64, String)>(16).unwrap();
    // SAFETY: the child sends on the ring: encoding into a stack buffer,
    // atomic loads and stores, and write/poll/read system calls.
    let (mut producer, rx) = unsafe {
        ring.start_producer(move |tx| {
            for n in 0..ITEMS {
                if tx.send(&item(n)).is_err() {
                    return 1;
                }
            }
            0
        })
    }
    .unwrap();
    let outcome = testkit::within(
        DEADLINE,
        "receiving 20 000 items from the ring",
        "the consumer slept and nobody woke it (a lost wake-up: the flag \
         raised after the producer looked at it, or never raised), or the \
         ring never ended because the producer's hang-up was not seen",
        move || {
            for expected in 0..ITEMS {
                match rx.recv() {
                    Ok(Some(got)) if got == item(expected) => {}
                    Ok(Some(got)) => {
                        return Err(format!(
                            "item {expected} should have been {:?}, got {got:?}: \
                             the ring lost, repeated or reordered items",
                            item(expected)
                        ));
                    }
                    Ok(None) => return Err(format!("the ring ended after {expected} items")),
                    Err(e) => return Err(format!("recv failed at item {expected}: {e}")),
                }
            }
            match rx.recv() {
                Ok(None) => Ok(()),
                other => Err(format!(
                    "after the last item, recv gave {other:?}, not None"
                )),
            }
        },
    );
    // cannot block: the ring ended or failed, so the producer is done with it.
    let status = producer.join().unwrap();
    if let Err(problem) = outcome {
        panic!("{problem}");
    }
    assert_eq!(status, ExitStatus::Exited(0), "the producer failed to send");
}

/// The pipes (by inode) that process `pid` holds both ends of. A process
/// that holds the write end of a pipe it watches for a hang-up never sees
/// the hang-up: the ring's rule is that no process holds a pipe end it does
/// not use, and each side uses one end of each of the ring's two pipes.
fn pipes_held_at_both_ends(pid: u32) -> Vec<u64> {
    use testkit::PipeMode::{Read, ReadWrite, Write};
    let ends = testkit::pipe_ends(pid).expect("cannot read /proc/<pid>/fd");
    let mut both: Vec<u64> = ends
        .iter()
        .filter(|end| {
            end.mode == ReadWrite
                || ends.iter().any(|other| {
                    other.inode == end.inode && (end.mode, other.mode) == (Read, Write)
                })
        })
        .map(|end| end.inode)
        .collect();
    both.dedup();
    both
}

/// Fails unless neither this process nor `child` holds both ends of a pipe.
fn assert_each_process_holds_only_the_ends_it_uses(child: &Process) {
    for (who, pid) in [
        ("the parent", std::process::id()),
        ("the child", child.pid() as u32),
    ] {
        let both = pipes_held_at_both_ends(pid);
        assert!(
            both.is_empty(),
            "{who} holds both ends of pipe(s) {both:?}: a side handed to a child must not \
             leave the other side's `alive` end open in it (or the other side's death is \
             never seen there)"
        );
    }
}

/// Joins `child` (a side that must see its peer gone) within the deadline.
fn join_seeing_the_peer_gone(mut child: Process, what: &str) -> ExitStatus {
    testkit::within(
        DEADLINE,
        what,
        "the child slept for ever on a peer that is gone: it still holds an end of the \
         peer's `alive` pipe, inherited at the fork, so that pipe never hangs up",
        move || child.join().unwrap(),
    )
}

#[test]
fn peer_death_a_consumer_child_sees_the_end_once_the_parent_drops_its_sender() {
    let _clean = testkit::process_scope();
    let ring = ring::<u64>(1).unwrap();
    // SAFETY: the child receives from the ring (atomics, poll/read/write).
    let (consumer, tx) = unsafe {
        ring.start_consumer(|rx| {
            let mut got = 0;
            loop {
                match rx.recv() {
                    Ok(Some(n)) if n == got => got += 1,
                    Ok(None) if got == 3 => return 0,
                    _ => return 1,
                }
            }
        })
    }
    .unwrap();
    // One slot: the second send returns only once the child took the first
    // item, so the child is running its body when the descriptors are read.
    let tx = testkit::within(
        DEADLINE,
        "sending 3 items through a ring of one slot",
        "the consumer child never took an item",
        move || {
            (0..3).try_for_each(|n| tx.send(&n)).unwrap();
            tx
        },
    );
    assert_each_process_holds_only_the_ends_it_uses(&consumer);
    drop(tx);
    let status =
        join_seeing_the_peer_gone(consumer, "a consumer child after its Sender was dropped");
    assert_eq!(
        status,
        ExitStatus::Exited(0),
        "the child should receive 0, 1, 2 then None (exit 1: a wrong item or an early end)"
    );
}

/// A producer child's body: sends 0, 1, 2, ... until a send fails. Exit
/// code 0 when the failure is `BrokenPipe` (the consumer is gone), 2 for any
/// other error, 1 if the counting ever ended.
fn send_until_broken_pipe(tx: Sender<u64>) -> i32 {
    for n in 0.. {
        if let Err(e) = tx.send(&n) {
            return if e.kind() == io::ErrorKind::BrokenPipe {
                0
            } else {
                2
            };
        }
    }
    1
}

#[test]
fn peer_death_a_producer_child_gets_broken_pipe_once_the_parent_drops_its_receiver() {
    let _clean = testkit::process_scope();
    let ring = ring::<u64>(1).unwrap();
    // SAFETY: the child sends on the ring (atomics, poll/read/write).
    let (producer, rx) = unsafe { ring.start_producer(send_until_broken_pipe) }.unwrap();
    let first = testkit::within(
        DEADLINE,
        "the producer child's first item",
        "the consumer never woke for the first item",
        move || (rx.recv(), rx),
    );
    let (first, rx) = first;
    assert_eq!(first.unwrap(), Some(0), "the first item");
    assert_each_process_holds_only_the_ends_it_uses(&producer);
    drop(rx);
    let status =
        join_seeing_the_peer_gone(producer, "a producer child after its Receiver was dropped");
    assert_eq!(
        status,
        ExitStatus::Exited(0),
        "the child's send on a full ring should fail with BrokenPipe (exit 2: another error)"
    );
}

#[test]
fn peer_death_a_consumer_child_sees_the_end_after_its_producer_is_killed() {
    let _clean = testkit::process_scope();
    let ring = ring::<u64>(4).unwrap();
    // SAFETY: the child receives from the ring.
    let (consumer, tx) = unsafe {
        ring.start_consumer(|rx| {
            let mut expected = 0;
            loop {
                match rx.recv() {
                    Ok(Some(n)) if n == expected => expected += 1,
                    Ok(None) => return 0,
                    _ => return 1,
                }
            }
        })
    }
    .unwrap();
    // The Sender goes to a second child, which sends for ever; the parent's
    // copy is closed when `start` returns.
    // SAFETY: the child sends on the ring.
    let mut producer = unsafe {
        Process::start(move || {
            for n in 0.. {
                if tx.send(&n).is_err() {
                    return 1;
                }
            }
            0
        })
    }
    .unwrap();
    producer.kill().unwrap();
    assert_eq!(producer.join().unwrap(), ExitStatus::Signaled(9));
    let status =
        join_seeing_the_peer_gone(consumer, "a consumer child after its producer was killed");
    assert_eq!(
        status,
        ExitStatus::Exited(0),
        "the consumer child should get the killed producer's items in order, then None"
    );
}

#[test]
fn peer_death_a_producer_child_gets_broken_pipe_after_its_consumer_is_killed() {
    let _clean = testkit::process_scope();
    let ring = ring::<u64>(4).unwrap();
    // SAFETY: the child sends on the ring.
    let (producer, rx) = unsafe { ring.start_producer(send_until_broken_pipe) }.unwrap();
    // SAFETY: the child receives from the ring until it is killed.
    let mut consumer = unsafe {
        Process::start(move || {
            while let Ok(Some(_)) = rx.recv() {}
            1
        })
    }
    .unwrap();
    consumer.kill().unwrap();
    assert_eq!(consumer.join().unwrap(), ExitStatus::Signaled(9));
    let status =
        join_seeing_the_peer_gone(producer, "a producer child after its consumer was killed");
    assert_eq!(
        status,
        ExitStatus::Exited(0),
        "the producer child's send on a full ring should fail with BrokenPipe"
    );
}

/// A pipe on which the parent says "go" to a child, with one byte.
fn go_signal() -> (io::PipeReader, io::PipeWriter) {
    io::pipe().unwrap()
}

fn wait_for_go(mut go: &io::PipeReader) -> bool {
    let mut byte = [0_u8; 1];
    matches!(go.read(&mut byte), Ok(1))
}

#[test]
fn a_full_ring_puts_the_producer_to_sleep_until_a_slot_is_freed() {
    let _clean = testkit::process_scope();
    const CAPACITY: usize = 4;
    let ring = ring::<(u64, String)>(CAPACITY).unwrap();
    let (go_reader, mut go_writer) = go_signal();
    // SAFETY: the child reads a byte from a pipe and receives from the ring
    // (atomic loads and stores, poll/read/write system calls).
    let (mut consumer, tx) = unsafe {
        ring.start_consumer(move |rx| {
            if !wait_for_go(&go_reader) {
                return 3;
            }
            for n in 0..=CAPACITY as u64 {
                match rx.recv() {
                    Ok(Some(got)) if got == item(n) => {}
                    _ => return 2,
                }
            }
            0
        })
    }
    .unwrap();
    let (tid_tx, tid_rx) = mpsc::channel();
    let producer = thread::spawn(move || {
        tid_tx.send(current_tid()).unwrap();
        // One more item than the ring holds: the last send must wait.
        let sent: io::Result<()> = (0..=CAPACITY as u64).try_for_each(|n| tx.send(&item(n)));
        sent.map(|()| tx.queued())
    });
    // cannot block: the thread sends its id first thing (or drops the sender).
    let tid = tid_rx.recv().unwrap();
    let asleep = until_waiting(tid, DEADLINE);
    // Let the consumer go whatever happened, so that nothing is left waiting.
    go_writer.write_all(b"g").unwrap();
    let sent = testkit::within(
        DEADLINE,
        "the producer's last send",
        "the consumer freed a slot but the producer slept on: the consumer \
         did not ring the doorbell for a producer whose flag was up",
        move || producer.join(),
    );
    let status = testkit::within(
        DEADLINE,
        "the consumer's exit",
        "the producer sent every item, but the consumer slept on: the \
         producer did not ring the doorbell for a consumer whose flag was up",
        move || consumer.join(),
    )
    .unwrap();
    match asleep {
        Ok(call) => assert!(
            is_poll(call),
            "the producer waited for a free slot in system call {call}, not in poll"
        ),
        Err(why) => panic!(
            "with {CAPACITY} items in a ring of {CAPACITY}, the producer's next send \
             should sleep in poll until a slot is freed, but {why}: a send that \
             spins (loops on the counters) burns a core"
        ),
    }
    sent.expect("the producer thread panicked")
        .expect("a send failed while the consumer was alive");
    assert_eq!(
        status,
        ExitStatus::Exited(0),
        "the consumer should receive the {} items in order (exit 2: wrong \
         item or early end; 3: no go signal)",
        CAPACITY + 1
    );
}

#[test]
fn an_empty_ring_puts_the_consumer_to_sleep_until_an_item_comes() {
    let _clean = testkit::process_scope();
    let ring = ring::<(u64, String)>(8).unwrap();
    let (go_reader, mut go_writer) = go_signal();
    // SAFETY: the child reads a byte from a pipe and sends on the ring.
    let (mut producer, rx) = unsafe {
        ring.start_producer(move |tx| {
            if !wait_for_go(&go_reader) {
                return 3;
            }
            for n in 0..3 {
                if tx.send(&item(n)).is_err() {
                    return 1;
                }
            }
            0
        })
    }
    .unwrap();
    let (tid_tx, tid_rx) = mpsc::channel();
    let consumer = thread::spawn(move || {
        tid_tx.send(current_tid()).unwrap();
        let mut got = Vec::new();
        while let Some(it) = rx.recv()? {
            got.push(it);
        }
        io::Result::Ok(got)
    });
    // cannot block: the thread sends its id first thing (or drops the sender).
    let tid = tid_rx.recv().unwrap();
    let asleep = until_waiting(tid, DEADLINE);
    go_writer.write_all(b"g").unwrap();
    let got = testkit::within(
        DEADLINE,
        "the consumer's receiving",
        "the producer sent 3 items and exited, but the consumer slept on: \
         the producer did not ring for a consumer whose flag was up, or the \
         hang-up of the producer's pipe was not watched",
        move || consumer.join(),
    );
    // cannot block: the consumer saw the ring end, so the producer is gone.
    let status = producer.join().unwrap();
    match asleep {
        Ok(call) => assert!(
            is_poll(call),
            "the consumer waited for an item in system call {call}, not in poll"
        ),
        Err(why) => panic!(
            "on an empty ring, recv should sleep in poll until an item comes, \
             but {why}: a recv that spins burns a core"
        ),
    }
    let got = got
        .expect("the consumer thread panicked")
        .expect("recv failed");
    assert_eq!(status, ExitStatus::Exited(0), "the producer failed");
    assert_eq!(
        got,
        (0..3).map(item).collect::<Vec<_>>(),
        "the consumer should get the 3 items in order, then None"
    );
}

#[test]
fn a_producer_killed_mid_way_ends_the_ring_instead_of_wedging_the_consumer() {
    let _clean = testkit::process_scope();
    const CAPACITY: usize = 4;
    let ring = ring::<(u64, String)>(CAPACITY).unwrap();
    // SAFETY: the child sends on the ring.
    let (mut producer, rx) = unsafe {
        ring.start_producer(move |tx| {
            for n in 0..1_000 {
                if tx.send(&item(n)).is_err() {
                    return 1;
                }
            }
            0
        })
    }
    .unwrap();
    // Two items taken: the producer is running. It can get at most
    // CAPACITY more in before it must wait for us, so it is mid-way.
    let first_two = testkit::within(
        DEADLINE,
        "receiving the first two items",
        "the consumer never woke for the producer's first items",
        move || {
            let first: Vec<_> = (0..2).map(|_| rx.recv()).collect();
            (first, rx)
        },
    );
    let (first, rx) = first_two;
    producer.kill().unwrap();
    let rest = testkit::within(
        DEADLINE,
        "draining the ring of a producer killed by SIGKILL",
        "a producer that dies never drops its Sender: the consumer must \
         watch something the kernel closes for it (the pipe's hang-up)",
        move || {
            let mut rest = Vec::new();
            while let Some(it) = rx.recv()? {
                rest.push(it);
            }
            io::Result::Ok(rest)
        },
    );
    // cannot block: the producer was killed.
    let status = producer.join().unwrap();
    assert_eq!(
        status,
        ExitStatus::Signaled(9),
        "the producer should die by SIGKILL"
    );
    let mut got: Vec<_> = first
        .into_iter()
        .map(|r| r.unwrap().expect("the ring ended before two items"))
        .collect();
    got.extend(rest.unwrap());
    assert!(
        got.len() <= 2 + CAPACITY,
        "{} items from a producer that could send at most {} before it was killed",
        got.len(),
        2 + CAPACITY
    );
    let expected: Vec<_> = (0..got.len() as u64).map(item).collect();
    assert_eq!(
        got, expected,
        "the items before the kill should arrive in order"
    );
}

#[test]
fn a_full_ring_whose_consumer_is_gone_fails_the_send() {
    let _clean = testkit::process_scope();
    const CAPACITY: usize = 4;
    let ring = ring::<u64>(CAPACITY).unwrap();
    // SAFETY: the child receives one item from the ring.
    let (mut consumer, tx) = unsafe {
        ring.start_consumer(move |rx| match rx.recv() {
            Ok(Some(0)) => 0,
            _ => 1,
        })
    }
    .unwrap();
    let (sent, error) = testkit::within(
        DEADLINE,
        "sending to a ring whose consumer exited",
        "the producer slept on a full ring for ever: it must watch the \
         consumer's pipe for a hang-up",
        move || {
            let mut sent = 0_u64;
            loop {
                match tx.send(&sent) {
                    Ok(()) => sent += 1,
                    Err(e) => return (sent, e),
                }
            }
        },
    );
    // cannot block: the send saw the consumer's pipe hang up, so it has exited.
    assert_eq!(consumer.join().unwrap(), ExitStatus::Exited(0));
    assert_eq!(
        error.kind(),
        io::ErrorKind::BrokenPipe,
        "a send on a full ring with no consumer should fail with BrokenPipe, got {error}"
    );
    assert_eq!(
        sent,
        CAPACITY as u64 + 1,
        "the {CAPACITY} slots, plus the one the consumer freed, should take \
         {} items before a send fails",
        CAPACITY + 1
    );
}

#[test]
fn an_item_larger_than_a_slot_is_refused_and_the_ring_stays_usable() {
    let _clean = testkit::process_scope();
    let (tx, rx) = ring::<Vec<u8>>(2).unwrap().split();
    let error = tx.send(&vec![7_u8; SLOT_BYTES + 1]).unwrap_err();
    assert_eq!(
        error.kind(),
        io::ErrorKind::InvalidInput,
        "an item of {} bytes in a slot of {SLOT_BYTES} should be refused, got {error}",
        SLOT_BYTES + 1
    );
    let small = vec![1_u8, 2, 3];
    tx.send(&small).unwrap();
    drop(tx);
    assert_eq!(
        rx.recv().unwrap(),
        Some(small),
        "the ring lost the item after a refused one"
    );
    assert_eq!(
        rx.recv().unwrap(),
        None,
        "the ring should end once the Sender is dropped"
    );
}

#[test]
fn a_ring_of_no_slots_is_refused() {
    let error = ring::<u64>(0).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
}

#[test]
fn the_ring_vs_pipe_program_moves_every_item_through_both() {
    let _clean = testkit::process_scope();
    let run = testkit::run_program(testkit::bin_path!("ring_vs_pipe"), &["3000"], DEADLINE);
    assert!(run.status.success(), "{run:?}");
    for name in ["pipe queue", "ring of 1024 slots"] {
        assert_eq!(
            run.count_lines_containing(&format!("{name}: 3000 items in")),
            1,
            "one line for the {name}'s 3000 items; the output:\n{}",
            run.stdout
        );
    }
    assert_eq!(
        run.count_lines_containing("switches per item"),
        4,
        "consumer and producer lines for both queues; the output:\n{}",
        run.stdout
    );
    assert_eq!(
        run.count_lines_containing("ping-pong: 150 round trips in"),
        1,
        "3000 items give 150 round trips of ping-pong; the output:\n{}",
        run.stdout
    );
    assert_eq!(
        run.count_lines_containing("µs per wake-up"),
        1,
        "the ping-pong's price of a wake-up; the output:\n{}",
        run.stdout
    );
}

#[test]
fn a_handled_signal_does_not_end_a_sleep_on_the_ring() {
    // The consumer sleeps in poll on an empty ring; three handled signals
    // make that poll fail with EINTR, and each time it must sleep again.
    let _clean = testkit::process_scope();
    let ring = ring::<u64>(4).unwrap();
    let (go_reader, mut go_writer) = go_signal();
    // SAFETY: the child reads a byte from a pipe and sends on the ring.
    let (mut producer, rx) = unsafe {
        ring.start_producer(move |tx| {
            if !wait_for_go(&go_reader) {
                return 3;
            }
            i32::from(tx.send(&42).is_err())
        })
    }
    .unwrap();
    let (tid_tx, tid_rx) = mpsc::channel();
    let consumer = thread::spawn(move || {
        tid_tx.send(current_tid()).unwrap();
        rx.recv()
    });
    // cannot block: the thread sends its id first thing.
    let tid = tid_rx.recv().unwrap();
    let interrupted =
        testkit::signals::interrupt_each_wait(testkit::signals::Target::thread(tid), 3, DEADLINE);
    go_writer.write_all(b"g").unwrap(); // whatever happened, let the child go
    let got = testkit::within(
        DEADLINE,
        "the consumer's recv after the signals",
        "the consumer slept on after the producer sent an item",
        move || consumer.join(),
    );
    // cannot block: the producer sent its item, or failed, and exits.
    assert_eq!(producer.join().unwrap(), ExitStatus::Exited(0));
    if let Err(why) = interrupted {
        panic!("a signal handled while recv sleeps must not end the wait: {why}");
    }
    let got = got.expect("the consumer thread panicked");
    assert_eq!(
        got.unwrap(),
        Some(42),
        "after three signals, recv should still wait for the item and return it"
    );
}
