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

#[test]
fn a_header_over_max_frame_is_invalid_data_not_an_allocation() {
    use framing::MAX_FRAME;
    // A header announcing one byte more than the limit, and no payload: the
    // old `recv` believed it, allocated that much, and only then found the
    // stream short (UnexpectedEof). It must refuse the header itself.
    for announced in [MAX_FRAME as u32 + 1, u32::MAX] {
        let stream = announced.to_be_bytes();
        let err = framing::recv::<Vec<u8>>(&mut &stream[..]).expect_err(&format!(
            "a header announcing {announced} bytes (limit {MAX_FRAME}) must be refused"
        ));
        assert_eq!(
            err.kind(),
            io::ErrorKind::InvalidData,
            "a header over MAX_FRAME is bad data, found before reading or allocating: {err}"
        );
    }
    // The limit itself is allowed: the same header, one byte lower, is an
    // honest frame cut short.
    let stream = (MAX_FRAME as u32).to_be_bytes();
    let err = framing::recv::<Vec<u8>>(&mut &stream[..]).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{err}");
}

#[test]
fn a_message_over_max_frame_is_refused_by_send() {
    let too_big = vec![7u8; framing::MAX_FRAME + 1];
    let mut sink = Vec::new();
    let err = framing::send_bytes(&mut sink, &too_big).expect_err("over the limit must fail");
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
    assert!(
        sink.is_empty(),
        "nothing may be written for a refused message"
    );
}

#[test]
fn a_vec_of_u8_skips_serde_but_keeps_its_wire_format() {
    // `send` and `recv` copy a plain `Vec<u8>` as a block. The frame must be
    // the one serde makes of the same bytes as a sequence of numbers, which
    // a 1-tuple holding the `Vec` still goes through (postcard writes a
    // tuple as its fields), so either side may be either kind of message.
    for len in [0, 1, 127, 128, 4000, 4096, 16_383, 16_384, 70_000] {
        let data = pipes::demos::large::pattern(len, 3);
        let fast = frame_bytes(&data).unwrap();
        let through_serde = frame_bytes(&(data.clone(),)).unwrap();
        assert!(
            fast == through_serde,
            "a {len}-byte Vec<u8>: the block copy wrote {} bytes, serde's sequence {} bytes; \
             they must be the same frame",
            fast.len(),
            through_serde.len()
        );
        let back = framing::recv::<(Vec<u8>,)>(&mut &fast[..]).unwrap();
        assert!(
            back == Some((data.clone(),)),
            "serde reads a block-copied {len}-byte Vec<u8>"
        );
        let back = framing::recv::<Vec<u8>>(&mut &through_serde[..]).unwrap();
        assert!(
            back == Some(data),
            "the block copy reads serde's {len}-byte sequence"
        );
    }
}

#[test]
fn a_bytes_frame_whose_count_disagrees_with_its_length_is_invalid_data() {
    // Header: 5 payload bytes; payload: a count of 9, then 4 bytes.
    let mut stream = 5u32.to_be_bytes().to_vec();
    stream.extend_from_slice(&[9, 1, 2, 3, 4]);
    let err = framing::recv_bytes(&mut &stream[..]).unwrap_err();
    assert_eq!(
        err.kind(),
        io::ErrorKind::InvalidData,
        "a frame of 4 bytes that says it holds 9 is bad data: {err}"
    );
    // A count that agrees, then the stream ends early: a writer died.
    let mut cut = 5u32.to_be_bytes().to_vec();
    cut.extend_from_slice(&[4, 1, 2]);
    let err = framing::recv::<Vec<u8>>(&mut &cut[..]).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{err}");
}

#[test]
fn a_bytes_frame_that_fits_in_pipe_buf_is_one_write() {
    /// Records each `write` call's length.
    struct Writes(Vec<usize>);
    impl io::Write for Writes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    for len in [0, 100, 4090] {
        let mut writes = Writes(Vec::new());
        framing::send(&mut writes, &vec![1u8; len]).unwrap();
        assert_eq!(
            writes.0.len(),
            1,
            "a frame of {} bytes fits in PIPE_BUF and must go in one write, \
             which a pipe keeps whole among several writers; writes were {:?}",
            HEADER_LEN + 2 + len,
            writes.0
        );
    }
}

#[test]
fn send_bytes_makes_the_same_frame_as_a_vec_of_u8_and_either_side_reads_it() {
    let data = pipes::demos::large::pattern(70_000, 9);
    let mut as_bytes = Vec::new();
    framing::send_bytes(&mut as_bytes, &data).unwrap();
    assert_eq!(
        as_bytes,
        frame_bytes(&data).unwrap(),
        "a Vec<u8> sent by `send` and the same bytes sent by `send_bytes` are one frame format"
    );
    let read_back = framing::recv::<Vec<u8>>(&mut &as_bytes[..]).unwrap();
    assert!(
        read_back.as_deref() == Some(&data[..]),
        "recv::<Vec<u8>> of a send_bytes frame"
    );
    let mut from_vec = Vec::new();
    framing::send(&mut from_vec, &data).unwrap();
    let read_back = framing::recv_bytes(&mut &from_vec[..]).unwrap();
    assert!(
        read_back.as_deref() == Some(&data[..]),
        "recv_bytes of a send frame"
    );
    assert_eq!(
        framing::recv_bytes(&mut &[][..]).unwrap(),
        None,
        "end-of-file"
    );
}
