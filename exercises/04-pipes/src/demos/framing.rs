//! Typed messages on a byte stream.
//!
//! A pipe carries bytes, not messages: one `write` of 100 bytes may come out
//! as two reads of 60 and 40, and two writes may come out as one read. To send
//! whole values, each one goes out as a *frame*: a 4-byte big-endian length,
//! then that many bytes of payload encoded with serde (here in the compact
//! `postcard` format). Python's `Connection.send` does the same with pickle
//! and a 4-byte header.

use std::cell::Cell;
use std::io::{self, Read, Write};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Bytes in a frame header: the payload length as a big-endian `u32`.
pub const HEADER_LEN: usize = 4;

// ANCHOR: buffer
thread_local! {
    /// This thread's frame buffer, reused by every `send` and `recv`: a
    /// stream of messages allocates it once, not once per message.
    static BUFFER: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// A buffer larger than this is freed after use rather than kept.
const KEEP_AT_MOST: usize = 1 << 20;

/// Lends `use_it` this thread's buffer (or a new one, if it is already
/// lent), with whatever bytes it held last time.
fn with_buffer<R>(use_it: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    let mut buffer = BUFFER.take();
    let result = use_it(&mut buffer);
    if buffer.capacity() <= KEEP_AT_MOST {
        BUFFER.set(buffer);
    }
    result
}
// ANCHOR_END: buffer

// ANCHOR: send
/// Encodes `message` and writes it as one frame: length, then payload.
///
/// The payload is encoded right behind room left for the header, and the
/// whole frame goes to `write_all` at once: a frame of at most `PIPE_BUF`
/// (4096) bytes reaches a pipe in a single, atomic `write(2)`.
pub fn send<T: Serialize + ?Sized>(writer: &mut impl Write, message: &T) -> io::Result<()> {
    with_buffer(|frame| {
        frame.clear();
        frame.extend_from_slice(&[0; HEADER_LEN]); // the header, filled in below
        postcard::to_io(message, &mut *frame).map_err(io::Error::other)?;
        let len = u32::try_from(frame.len() - HEADER_LEN)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "message over 4 GiB"))?;
        frame[..HEADER_LEN].copy_from_slice(&len.to_be_bytes());
        writer.write_all(frame)
    })
}
// ANCHOR_END: send

// ANCHOR: recv
/// Reads one frame and decodes it.
///
/// `Ok(None)` means end-of-file *between* frames: every writer has closed its
/// end, cleanly. End-of-file inside a frame is an error (`UnexpectedEof`): a
/// writer died half way through a message.
pub fn recv<T: DeserializeOwned>(reader: &mut impl Read) -> io::Result<Option<T>> {
    let mut header = [0u8; HEADER_LEN];
    match read_until_full(reader, &mut header)? {
        0 => return Ok(None),
        HEADER_LEN => {}
        partial => {
            let why = format!("the stream ended {partial} bytes into a frame header");
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, why));
        }
    }
    let len = u32::from_be_bytes(header) as usize;
    with_buffer(|buffer| {
        if buffer.len() < len {
            buffer.resize(len, 0); // zeroes only the bytes it adds
        }
        let payload = &mut buffer[..len];
        reader.read_exact(payload)?;
        let message = postcard::from_bytes(payload)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        Ok(Some(message))
    })
}
// ANCHOR_END: recv

/// Reads until `buf` is full or the stream ends; returns how many bytes it
/// got. Unlike `read_exact`, it tells "ended before the first byte" (0) from
/// "ended in the middle".
pub fn read_until_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The bytes `send` would write for `message`, header included: for showing
/// a frame in the book and in tests.
pub fn frame_bytes<T: Serialize + ?Sized>(message: &T) -> io::Result<Vec<u8>> {
    let mut frame = Vec::new();
    send(&mut frame, message)?;
    Ok(frame)
}
