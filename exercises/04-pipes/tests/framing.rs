//! Tests of the framing demo and of the sender/receiver program.

use std::io;

use pipes::demos::framing::{self, HEADER_LEN, frame_bytes};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Order {
    id: u64,
    item: String,
    quantity: u32,
}

#[test]
fn a_frame_is_a_big_endian_length_then_the_payload() {
    let frame = frame_bytes("Hello from sender").unwrap();
    let payload_len = u32::from_be_bytes(frame[..HEADER_LEN].try_into().unwrap()) as usize;
    assert_eq!(
        payload_len,
        frame.len() - HEADER_LEN,
        "the header must hold the length of what follows it; frame: {frame:?}"
    );
    // postcard writes a string as its length (a varint) and its bytes.
    assert_eq!(&frame[HEADER_LEN..], b"\x11Hello from sender");
}

#[test]
fn typed_messages_cross_a_pipe_in_order_then_none_at_end_of_file() {
    let _clean = testkit::process_scope();
    let orders: Vec<Order> = (0..100)
        .map(|id| Order {
            id,
            item: format!("widget {id}"),
            quantity: id as u32 * 3,
        })
        .collect();
    let (mut reader, mut writer) = io::pipe().unwrap();
    let expected = orders.clone();
    let received = testkit::within(
        testkit::DEADLINE,
        "sending 100 orders through a pipe",
        "a frame was read short, or end-of-file never came because a write end stayed open",
        move || {
            let sending = std::thread::spawn(move || {
                for order in &orders {
                    framing::send(&mut writer, order).unwrap();
                }
                // `writer` dropped here: the only write end closes
            });
            let mut got = Vec::new();
            while let Some(order) = framing::recv::<Order>(&mut reader).unwrap() {
                got.push(order);
            }
            sending.join().unwrap();
            got
        },
    );
    assert_eq!(received, expected, "every order, once, in the order sent");
}

#[test]
fn end_of_file_inside_a_frame_is_an_error_not_a_clean_end() {
    let frame = frame_bytes(&Order {
        id: 1,
        item: "bolt".into(),
        quantity: 9,
    })
    .unwrap();
    for cut in [2, HEADER_LEN + 1, frame.len() - 1] {
        let mut truncated = &frame[..cut];
        let err = framing::recv::<Order>(&mut truncated).expect_err(&format!(
            "a frame cut after {cut} of {} bytes must be an error, not Ok",
            frame.len()
        ));
        assert_eq!(
            err.kind(),
            io::ErrorKind::UnexpectedEof,
            "cut after {cut} bytes"
        );
    }
    let mut empty: &[u8] = &[];
    assert!(
        framing::recv::<Order>(&mut empty).unwrap().is_none(),
        "no bytes at all is a clean end"
    );
}

#[test]
fn the_sender_receiver_program_prints_the_greeting_once() {
    let _clean = testkit::process_scope();
    let run = testkit::run_program(
        testkit::bin_path!("sender_receiver"),
        &[],
        testkit::DEADLINE,
    );
    assert!(run.status.success(), "sender_receiver failed: {run:?}");
    assert_eq!(
        run.count_lines_containing("Received: Hello from sender"),
        1,
        "the receiver process should print the greeting exactly once; it printed:\n{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("sender exited with code 0"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("receiver exited with code 0"),
        "{}",
        run.stdout
    );
}
