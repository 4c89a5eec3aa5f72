//! Tests of the `duplex_peer` exercise.
//!
//! Every wait has a deadline ([`STUCK`], 4 s, shortened after a first hang
//! so that a wrong solution fails the whole binary within 10 s); the child
//! tests say which side never saw end-of-file, from what the child is doing
//! when the deadline passes.

use testkit::stuck as support;

use pipes::exercises::duplex_peer::{duplex, spawn_peer};
use processes::demos::process::ExitStatus;
use support::{Doing, STUCK};

const C1: &str = "clause 1 (two connected ends)";
const C2: &str = "clause 2 (the child runs body with its end)";
const C3: &str = "clause 3 (the child holds no copy of the parent's end)";
const C4: &str = "clause 4 (the parent holds no copy of the child's end)";

#[test]
fn duplex_carries_messages_both_ways() {
    let _clean = testkit::process_scope();
    let (mut left, mut right) = duplex().unwrap();
    let (left, right) = support::within(
        STUCK,
        &format!("{C1}: a message from the left end to the right end"),
        "the right end never got the left end's message: each end must read from the pipe \
         that the *other* end writes to (cross-wire the two pipes)",
        move || {
            left.send("ping").unwrap();
            let got = right.recv::<String>().unwrap();
            assert_eq!(got.as_deref(), Some("ping"), "{C1}: left -> right");
            (left, right)
        },
    );
    let (mut left, right) = support::within(
        STUCK,
        &format!("{C1}: a message from the right end to the left end"),
        "the left end never got the right end's message: cross-wire the two pipes",
        move || {
            let mut right = right;
            let mut left = left;
            right.send(&42u64).unwrap();
            assert_eq!(left.recv::<u64>().unwrap(), Some(42), "{C1}: right -> left");
            (left, right)
        },
    );
    drop(right);
    let end = support::within(
        STUCK,
        &format!("{C1}: the left end after the right end was dropped"),
        "no end-of-file: the left end still holds a write end of the pipe it reads from. \
         Each end holds only the read end of one pipe and the write end of the other",
        move || left.recv::<u64>().unwrap(),
    );
    assert_eq!(
        end, None,
        "{C1}: once the right end is dropped, the left end must see end-of-file"
    );
}

/// Why the child did not see end-of-file, from what it is doing.
const CHILD_NO_EOF: &str = "the child never saw end-of-file after the parent dropped its end: \
     fork copied the parent's end (both of its descriptors) into the child; close that copy in \
     the child before running body";

const PARENT_NO_EOF: &str = "the parent never saw end-of-file after the child exited: does the \
     parent still hold the child's end? Move it into the child's closure so that the parent's \
     copy is dropped";

/// Fails with the right message for a deadline that passed in a child test.
fn explain(clause: &str, children: &[support::Child]) -> ! {
    let reading = support::count(children, Doing::Reading);
    if reading > 0 {
        support::hung(format!("{C3}: deadlock: {CHILD_NO_EOF}"));
    }
    if !children.is_empty() && support::count(children, Doing::Exited) == children.len() {
        support::hung(format!("{C4}: deadlock: {PARENT_NO_EOF}"));
    }
    support::hung(format!(
        "{clause}: deadlock: the exchange with the child never ended; the child: {children:?}"
    ));
}

#[test]
fn a_child_peer_answers_every_message() {
    let _clean = testkit::process_scope();
    // SAFETY: the child only receives and sends frames on its end: read,
    // write, and postcard's decoding and encoding in framing's
    // `const`-initialised thread-local buffer (computation and allocation);
    // no lock, no `std::env`, no thread.
    let (mut child, mut conn) = unsafe {
        spawn_peer(|mut conn| {
            let mut answered = 0;
            while let Ok(Some(n)) = conn.recv::<u64>() {
                if conn.send(&(n * n)).is_err() {
                    return 100;
                }
                answered += 1;
            }
            answered
        })
    }
    .unwrap();
    let outcome = support::finish_or_snapshot(STUCK, move || {
        for n in 0..50u64 {
            conn.send(&n).unwrap();
            let answer = conn.recv::<u64>().unwrap();
            assert!(
                n < 2 || answer != Some(n),
                "{C1}: the parent read back its own message {n}: each end must read from the pipe \
                 that the *other* end writes to (cross-wire the two pipes)"
            );
            assert_eq!(answer, Some(n * n), "{C2}: the child's answer to {n}");
        }
        drop(conn);
        // cannot block: inside finish_or_snapshot, which has a deadline
        child.join().unwrap()
    });
    let status = outcome.unwrap_or_else(|children| explain(C2, &children));
    assert_eq!(
        status,
        ExitStatus::Exited(50),
        "{C2}: the child returns how many messages it answered, 50, as its exit code"
    );
}

#[test]
fn the_child_sees_end_of_file_when_the_parent_drops_its_end() {
    let _clean = testkit::process_scope();
    // SAFETY: the child only receives and sends frames on its end: read,
    // write, and postcard's decoding and encoding in framing's
    // `const`-initialised thread-local buffer (computation and allocation);
    // no lock, no `std::env`, no thread.
    let (mut child, mut conn) = unsafe {
        spawn_peer(|mut conn| {
            let mut count = 0;
            while let Ok(Some(_)) = conn.recv::<String>() {
                count += 1;
            }
            count
        })
    }
    .unwrap();
    for word in ["one", "two", "three", "four", "five", "six", "seven"] {
        conn.send(word).unwrap();
    }
    drop(conn);
    // cannot block: finish_or_snapshot puts a deadline on the join
    let status = support::finish_or_snapshot(STUCK, move || child.join().unwrap())
        .unwrap_or_else(|children| explain(C3, &children));
    assert_eq!(
        status,
        ExitStatus::Exited(7),
        "{C3}: the child counts the 7 messages, then sees the end"
    );
}

#[test]
fn the_parent_sees_end_of_file_when_the_child_exits() {
    let _clean = testkit::process_scope();
    // SAFETY: the child only receives and sends frames on its end: read,
    // write, and postcard's decoding and encoding in framing's
    // `const`-initialised thread-local buffer (computation and allocation);
    // no lock, no `std::env`, no thread.
    let (mut child, mut conn) = unsafe {
        spawn_peer(|mut conn| {
            let _ = conn.send("bye");
            0
        })
    }
    .unwrap();
    let (first, then) = support::finish_or_snapshot(STUCK, move || {
        let first = conn.recv::<String>().unwrap();
        let then = conn.recv::<String>().unwrap();
        (first, then)
    })
    .unwrap_or_else(|children| explain(C4, &children));
    assert_eq!(first.as_deref(), Some("bye"), "{C2}: the child's message");
    assert_eq!(
        then, None,
        "{C4}: after the child's last message comes end-of-file"
    );
    // cannot block: the child closed its end, so it is past its last send
    // and only returns
    assert_eq!(
        child.join().unwrap(),
        ExitStatus::Exited(0),
        "{C2}: body returned 0"
    );
}

#[test]
fn the_childs_writes_fail_once_the_parent_has_dropped_its_end() {
    let _clean = testkit::process_scope();
    // The parent drops its end at once; the child sends 64 KiB messages
    // until a send fails. With no reader left anywhere, the first write
    // fails with EPIPE. A child that kept a copy of the parent's read end
    // is a reader itself: its writes block for ever once the pipe is full.
    // SAFETY: the child only sends frames on its end: write, and
    // postcard's encoding in framing's thread-local buffer (computation
    // and allocation); no lock, no `std::env`, no thread.
    let (mut child, conn) = unsafe {
        spawn_peer(|mut conn| {
            let block = serde_bytes::ByteBuf::from(vec![7u8; 64 * 1024]);
            for _ in 0..64 {
                if conn.send(&block).is_err() {
                    return 0;
                }
            }
            100
        })
    }
    .unwrap();
    drop(conn);
    // cannot block: finish_or_snapshot puts a deadline on the join
    let status = support::finish_or_snapshot(STUCK, move || child.join().unwrap()).unwrap_or_else(
        |children| {
            if support::count(&children, Doing::Writing) > 0 {
                support::hung(format!(
                    "{C3}: deadlock: the child's writes to a parent that dropped its end never \
                     failed: they block in a full pipe. fork copied the parent's end (both of \
                     its descriptors) into the child, and a child holding the read end of the \
                     pipe it writes to is a reader that never reads; close that copy in the \
                     child before running body"
                ));
            }
            explain(C3, &children)
        },
    );
    assert_eq!(
        status,
        ExitStatus::Exited(0),
        "{C3}: the child sent 4 MiB to a parent that had dropped its end: its sends must \
         fail (EPIPE) once nobody can read"
    );
}
