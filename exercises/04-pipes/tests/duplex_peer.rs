//! Tests of the `duplex_peer` exercise.

use pipes::exercises::duplex_peer::{Connection, duplex, spawn_peer};
use processes::demos::process::ExitStatus;
use testkit::DEADLINE;

#[test]
fn duplex_carries_messages_both_ways() {
    let _clean = testkit::process_scope();
    let (mut left, mut right) = duplex().unwrap();
    left.send("ping").unwrap();
    assert_eq!(
        right.recv::<String>().unwrap().as_deref(),
        Some("ping"),
        "left -> right"
    );
    right.send(&42u64).unwrap();
    assert_eq!(right_to_left(&mut left), Some(42), "right -> left");
    drop(right);
    assert_eq!(
        left.recv::<u64>().unwrap(),
        None,
        "once the right end is dropped, the left end must see end-of-file"
    );
}

fn right_to_left(left: &mut Connection) -> Option<u64> {
    left.recv::<u64>().unwrap()
}

#[test]
fn a_child_peer_answers_every_message() {
    let _clean = testkit::process_scope();
    let (mut child, mut conn) = spawn_peer(|mut conn| {
        let mut answered = 0;
        while let Ok(Some(n)) = conn.recv::<u64>() {
            if conn.send(&(n * n)).is_err() {
                return 100;
            }
            answered += 1;
        }
        answered
    })
    .unwrap();
    let status = testkit::within(
        DEADLINE,
        "a ping-pong of 50 rounds with a child",
        "deadlock: the child never saw end-of-file after the parent dropped its end \
         (does the child still hold a copy of the parent's end?)",
        move || {
            for n in 0..50u64 {
                conn.send(&n).unwrap();
                assert_eq!(
                    conn.recv::<u64>().unwrap(),
                    Some(n * n),
                    "the child's answer to {n}"
                );
            }
            drop(conn);
            child.join().unwrap()
        },
    );
    assert_eq!(
        status,
        ExitStatus::Exited(50),
        "the child should have answered 50 messages"
    );
}

#[test]
fn the_child_sees_end_of_file_when_the_parent_drops_its_end() {
    let _clean = testkit::process_scope();
    let (mut child, mut conn) = spawn_peer(|mut conn| {
        let mut count = 0;
        while let Ok(Some(_)) = conn.recv::<String>() {
            count += 1;
        }
        count
    })
    .unwrap();
    for word in ["one", "two", "three", "four", "five", "six", "seven"] {
        conn.send(word).unwrap();
    }
    drop(conn);
    let status = testkit::within(
        DEADLINE,
        "the child, counting messages until end-of-file",
        "deadlock: the child never saw end-of-file. fork copied the parent's end into \
         the child; close that copy in the child before running body",
        move || child.join().unwrap(),
    );
    assert_eq!(
        status,
        ExitStatus::Exited(7),
        "the child counts the 7 messages, then sees the end"
    );
}

#[test]
fn the_parent_sees_end_of_file_when_the_child_exits() {
    let _clean = testkit::process_scope();
    let (mut child, mut conn) = spawn_peer(|mut conn| {
        let _ = conn.send("bye");
        0
    })
    .unwrap();
    let (first, then) = testkit::within(
        DEADLINE,
        "reading from a child that has exited",
        "deadlock: the parent never saw end-of-file. Does the parent still hold the \
         child's end? Move it into the child's closure so that the parent's copy is dropped",
        move || {
            let first = conn.recv::<String>().unwrap();
            let then = conn.recv::<String>().unwrap();
            (first, then)
        },
    );
    assert_eq!(first.as_deref(), Some("bye"));
    assert_eq!(
        then, None,
        "after the child's last message comes end-of-file"
    );
    assert_eq!(child.join().unwrap(), ExitStatus::Exited(0));
}
