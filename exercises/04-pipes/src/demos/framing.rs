//! Typed messages on a byte stream.
//!
//! A pipe carries bytes, not messages: one `write` of 100 bytes may come out
//! as two reads of 60 and 40, and two writes may come out as one read. To send
//! whole values, each one goes out as a *frame*: a 4-byte big-endian length,
//! then that many bytes of payload encoded with serde (here in the compact
//! `postcard` format). Python's `Connection.send` does the same with pickle
//! and a 4-byte header.

use std::io::{self, Read, Write};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Bytes in a frame header: the payload length as a big-endian `u32`.
pub const HEADER_LEN: usize = 4;

// ANCHOR: send
/// Encodes `message` and writes it as one frame: length, then payload.
///
/// The frame is assembled in one buffer and handed to `write_all` at once, so
/// a frame of at most `PIPE_BUF` (4096) bytes reaches a pipe in a single,
/// atomic `write(2)`.
pub fn send<T: Serialize + ?Sized>(writer: &mut impl Write, message: &T) -> io::Result<()> {
    let payload = postcard::to_stdvec(message).map_err(io::Error::other)?;
    let len = u32::try_from(payload.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "message over 4 GiB"))?;
    let mut frame = Vec::with_capacity(HEADER_LEN + payload.len());
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(&payload);
    writer.write_all(&frame)
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
    let mut payload = vec![0u8; u32::from_be_bytes(header) as usize];
    reader.read_exact(&mut payload)?;
    let message = postcard::from_bytes(&payload)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    Ok(Some(message))
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
