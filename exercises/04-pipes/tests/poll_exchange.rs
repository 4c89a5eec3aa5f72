//! Tests of the `poll_exchange` exercise: both sides use the student's
//! `exchange`, so a version that writes everything before reading deadlocks
//! here, and the deadline turns that into a failure with an explanation.

use std::io;

use pipes::demos::large::pattern;
use pipes::exercises::poll_exchange::exchange;
use processes::demos::process::{ExitStatus, Process};
use testkit::DEADLINE;

const DEADLOCK: &str = "deadlock: both sides blocked writing and nobody reading. \
     Poll both descriptors and read whenever the reader is ready, not after the whole message is sent";

/// `exchange` on two threads with messages of `a_len` and `b_len` bytes;
/// returns what A and B received.
fn both_ways(a_len: usize, b_len: usize) -> (Vec<u8>, Vec<u8>) {
    let (a_reads, b_writes) = io::pipe().unwrap();
    let (b_reads, a_writes) = io::pipe().unwrap();
    let b = std::thread::spawn(move || exchange(b_writes, b_reads, &pattern(b_len, 2)).unwrap());
    let a = exchange(a_writes, a_reads, &pattern(a_len, 1)).unwrap();
    (a, b.join().unwrap())
}

fn check(a_len: usize, b_len: usize) {
    let (a, b) = testkit::within(DEADLINE, "the exchange", DEADLOCK, move || {
        both_ways(a_len, b_len)
    });
    assert_eq!(a.len(), b_len, "A should receive all of B's {b_len} bytes");
    assert_eq!(b.len(), a_len, "B should receive all of A's {a_len} bytes");
    assert!(
        a == pattern(b_len, 2),
        "A received the right number of bytes, but not B's message"
    );
    assert!(
        b == pattern(a_len, 1),
        "B received the right number of bytes, but not A's message"
    );
}

#[test]
fn small_messages_cross() {
    let _clean = testkit::process_scope();
    check(10, 20);
}

#[test]
fn messages_far_larger_than_the_pipe_buffer_cross_without_deadlock() {
    let _clean = testkit::process_scope();
    check(4 << 20, 4 << 20);
}

#[test]
fn an_empty_message_one_way_and_a_large_one_the_other() {
    let _clean = testkit::process_scope();
    check(0, 3 << 20);
    check(3 << 20, 0);
}

#[test]
fn a_child_process_and_its_parent_exchange_a_mebibyte_each() {
    let _clean = testkit::process_scope();
    let len = 1 << 20;
    let (from_child, to_parent) = io::pipe().unwrap();
    let (from_parent, to_child) = io::pipe().unwrap();
    // The child's copy of `to_child` must go, or its reading never ends: the
    // closure owns a clone of the raw number and closes it first thing.
    let stray = std::os::fd::AsRawFd::as_raw_fd(&to_child);
    // `start` only lends the closure to the child: the ends go by value.
    let mut ends = Some((to_parent, from_parent));
    let child_side = move || {
        // SAFETY: the child's own copy of the parent's write end, unused here.
        drop(unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(stray) });
        let Some((to_parent, from_parent)) = ends.take() else {
            return 3;
        };
        match exchange(to_parent, from_parent, &pattern(len, 2)) {
            Ok(got) if got == pattern(len, 1) => 0,
            Ok(_) => 1,
            Err(_) => 2,
        }
    };
    // SAFETY: the child closes a descriptor, runs `exchange` (poll, read,
    // write, allocation: glibc's malloc survives fork) and compares bytes.
    let mut child = unsafe { Process::start(child_side) }.unwrap();
    let got = testkit::within(DEADLINE, "the exchange with a child", DEADLOCK, move || {
        exchange(to_child, from_child, &pattern(len, 1)).unwrap()
    });
    assert!(
        got == pattern(len, 2),
        "the parent received {} bytes, not the child's message",
        got.len()
    );
    let status = testkit::within(DEADLINE, "joining the child", DEADLOCK, move || {
        child.join().unwrap()
    });
    assert_eq!(
        status,
        ExitStatus::Exited(0),
        "the child exits 0 when it received the parent's message intact (1: wrong bytes, 2: an error)"
    );
}
