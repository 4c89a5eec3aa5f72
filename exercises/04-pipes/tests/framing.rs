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
fn a_vec_of_u8_and_marked_bytes_make_the_same_frame() {
    // `send(&vec)` goes through serde as a sequence of numbers, `send_bytes`
    // as one byte string: two speeds, one wire format, so either side may
    // use either call.
    for len in [0, 1, 127, 128, 4000, 4096, 16_383, 16_384, 70_000] {
        let data = pipes::demos::large::pattern(len, 3);
        let as_numbers = frame_bytes(&data).unwrap();
        let mut as_bytes = Vec::new();
        framing::send_bytes(&mut as_bytes, &data).unwrap();
        assert!(
            as_numbers == as_bytes,
            "a {len}-byte Vec<u8>: send wrote {} bytes, send_bytes {} bytes; \
             they must be the same frame",
            as_numbers.len(),
            as_bytes.len()
        );
        let back = framing::recv::<Vec<u8>>(&mut &as_bytes[..]).unwrap();
        assert!(
            back.as_deref() == Some(&data[..]),
            "recv::<Vec<u8>> reads send_bytes's {len}-byte frame"
        );
        let back = framing::recv_bytes(&mut &as_numbers[..]).unwrap();
        assert!(
            back.as_deref() == Some(&data[..]),
            "recv_bytes reads the frame of a {len}-byte Vec<u8> sent by send"
        );
    }
}

// ANCHOR: marked
/// A piece of a file, as a worker might send it: where it starts, and its
/// bytes, marked so that serde copies them as one block.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Chunk {
    offset: u64,
    #[serde(with = "serde_bytes")]
    data: Vec<u8>,
}
// ANCHOR_END: marked

/// The same message, unmarked: serde sees `data` as numbers.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct UnmarkedChunk {
    offset: u64,
    data: Vec<u8>,
}

#[test]
fn a_marked_field_changes_the_speed_not_the_frame() -> io::Result<()> {
    let data = pipes::demos::large::pattern(70_000, 5);
    let mut pipe = Vec::new(); // stands in for a pipe's write end
    // ANCHOR: trap
    // Right, and slow: serde sees a Vec<u8> as 70 000 numbers, one by one.
    framing::send(&mut pipe, &data)?;
    // The same frame, copied as one block.
    framing::send_bytes(&mut pipe, &data)?;
    // ANCHOR_END: trap
    let (first, second) = pipe.split_at(pipe.len() / 2);
    assert_eq!(
        first, second,
        "send(&vec) and send_bytes(&vec) make one frame"
    );
    let marked = frame_bytes(&Chunk {
        offset: 9,
        data: data.clone(),
    })?;
    let unmarked = frame_bytes(&UnmarkedChunk {
        offset: 9,
        data: data.clone(),
    })?;
    assert!(
        marked == unmarked,
        "a field marked serde_bytes is written as the same bytes as an unmarked one"
    );
    let back = framing::recv::<Chunk>(&mut &unmarked[..])?;
    assert_eq!(back, Some(Chunk { offset: 9, data }));
    Ok(())
}

/// A frame holding `payload` as it is.
fn frame_of(payload: &[u8]) -> Vec<u8> {
    let mut frame = (payload.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(payload);
    frame
}

#[test]
fn recv_of_a_vec_u8_accepts_exactly_the_frames_the_serde_path_accepts() {
    // The old framing decoded a `Vec<u8>` with a hand-written reader and
    // every other type with serde: a frame with bytes after the message was
    // refused by one and taken by the other. One decoder now: for every
    // frame, `recv::<Vec<u8>>`, `recv_bytes` and serde's decoding of the
    // same bytes as a field of a 1-tuple give the same verdict.
    let frames: Vec<(&str, Vec<u8>)> = vec![
        ("an empty Vec", frame_of(&[0])),
        ("three bytes", frame_of(&[3, 7, 8, 9])),
        ("three bytes and one more", frame_of(&[3, 7, 8, 9, 1])),
        ("a count of 9 and 4 bytes", frame_of(&[9, 1, 2, 3, 4])),
        ("an empty payload", frame_of(&[])),
        ("a count cut short", frame_of(&[0x80])),
        ("a two-byte count of 1", frame_of(&[0x81, 0x00, 5])),
    ];
    for (what, frame) in frames {
        let as_vec = framing::recv::<Vec<u8>>(&mut &frame[..]);
        let as_bytes = framing::recv_bytes(&mut &frame[..]);
        let through_serde = framing::recv::<(Vec<u8>,)>(&mut &frame[..]);
        let verdict = |r: &io::Result<Option<Vec<u8>>>| match r {
            Ok(v) => Ok(v.clone()),
            Err(e) => Err(e.kind()),
        };
        let through_serde = through_serde.map(|v| v.map(|(v,)| v));
        assert_eq!(
            verdict(&as_vec),
            verdict(&through_serde),
            "{what}: recv::<Vec<u8>> and recv::<(Vec<u8>,)> disagree ({as_vec:?} against \
             {through_serde:?}); one format must have one decoder"
        );
        assert_eq!(
            verdict(&as_bytes),
            verdict(&through_serde),
            "{what}: recv_bytes and recv::<(Vec<u8>,)> disagree ({as_bytes:?} against \
             {through_serde:?}); one format must have one decoder"
        );
    }
    // And the verdicts are the right ones: trailing bytes are bad data.
    let err = framing::recv::<(Vec<u8>,)>(&mut &frame_of(&[1, 7, 1])[..]).unwrap_err();
    assert_eq!(
        err.kind(),
        io::ErrorKind::InvalidData,
        "a frame holds one message, nothing after it: {err}"
    );
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
