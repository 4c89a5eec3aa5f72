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

// ANCHOR: max_frame
/// The largest payload, in bytes, that [`send`] writes and [`recv`] accepts:
/// 64 MiB.
///
/// The header is four bytes from another process, or from whatever is on the
/// other end of the descriptor: a bug, a stray `println!` into the pipe, a
/// hostile peer. Trusted blindly, `0xffff_ffff` makes `recv` allocate 4 GiB
/// before it has read a single byte of payload. A header above this limit is
/// refused with [`io::ErrorKind::InvalidData`] before anything is allocated.
/// Bigger data goes in several messages, or through shared memory (chapter 6).
pub const MAX_FRAME: usize = 64 << 20;
// ANCHOR_END: max_frame

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
/// (4096) bytes reaches a pipe in a single, atomic `write(2)`. For a block
/// of bytes, use [`send_bytes`] (see there why).
pub fn send<T: Serialize + ?Sized>(writer: &mut impl Write, message: &T) -> io::Result<()> {
    with_buffer(|frame| {
        frame.clear();
        frame.extend_from_slice(&[0; HEADER_LEN]); // the header, filled in below
        postcard::to_io(message, &mut *frame).map_err(io::Error::other)?;
        let len = checked_len(frame.len() - HEADER_LEN)?;
        frame[..HEADER_LEN].copy_from_slice(&len.to_be_bytes());
        writer.write_all(frame)
    })
}
// ANCHOR_END: send

/// `len` as a frame header's `u32`, or `InvalidInput` if it is over
/// [`MAX_FRAME`].
fn checked_len(len: usize) -> io::Result<u32> {
    if len > MAX_FRAME {
        let why = format!("a message of {len} bytes is over the {MAX_FRAME}-byte frame limit");
        return Err(io::Error::new(io::ErrorKind::InvalidInput, why));
    }
    Ok(len as u32) // at most MAX_FRAME, which fits
}

// ANCHOR: recv
/// Reads one frame and decodes it.
///
/// `Ok(None)` means end-of-file *between* frames: every writer has closed its
/// end, cleanly. End-of-file inside a frame is an error (`UnexpectedEof`): a
/// writer died half way through a message. A header that announces more than
/// [`MAX_FRAME`] bytes is an error too (`InvalidData`), found before anything
/// is allocated for it, and so is a payload that does not decode as one `T`
/// with nothing left over.
pub fn recv<T: DeserializeOwned>(reader: &mut impl Read) -> io::Result<Option<T>> {
    let Some(len) = recv_header(reader)? else {
        return Ok(None);
    };
    with_buffer(|buffer| {
        if buffer.len() < len {
            buffer.resize(len, 0); // zeroes only the bytes it adds
        }
        let payload = &mut buffer[..len];
        reader.read_exact(payload)?;
        let bad = |why: String| io::Error::new(io::ErrorKind::InvalidData, why);
        let (message, rest) = postcard::take_from_bytes(payload).map_err(|e| bad(e.to_string()))?;
        if !rest.is_empty() {
            return Err(bad(format!(
                "a frame of {len} bytes holds one message and {} bytes more",
                rest.len()
            )));
        }
        Ok(Some(message))
    })
}

/// Reads a frame header: the payload's length, or `None` at end-of-file
/// before the first byte.
fn recv_header(reader: &mut impl Read) -> io::Result<Option<usize>> {
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
    if len > MAX_FRAME {
        let why = format!("a frame header announces {len} bytes, over the {MAX_FRAME}-byte limit");
        return Err(io::Error::new(io::ErrorKind::InvalidData, why));
    }
    Ok(Some(len))
}
// ANCHOR_END: recv

// ANCHOR: bytes
/// Sends a block of bytes as one frame: `send` of the bytes marked with
/// [`serde_bytes`].
///
/// The mark is the point. serde sees a `Vec<u8>` or a `&[u8]` as a
/// *sequence of numbers*: `send(&vec)` works, and writes the very same
/// frame, but postcard encodes it one `u8` at a time, and `recv` decodes it
/// one `u8` at a time. Marked as bytes, it is copied as one block each way.
/// A struct field does the same with `#[serde(with = "serde_bytes")]`.
pub fn send_bytes(writer: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    send(writer, serde_bytes::Bytes::new(bytes))
}

/// Receives a frame sent by [`send_bytes`] (or by `send` of a `Vec<u8>`,
/// which is the same frame): `recv` of a [`serde_bytes::ByteBuf`].
/// `Ok(None)` at end-of-file.
pub fn recv_bytes(reader: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    Ok(recv::<serde_bytes::ByteBuf>(reader)?.map(serde_bytes::ByteBuf::into_vec))
}
// ANCHOR_END: bytes

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
