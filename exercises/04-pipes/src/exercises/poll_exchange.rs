//! Exercise: exchange messages far larger than the pipe buffer, both ways at
//! once, on a single thread.
//!
//! [`crate::demos::large::exchange`] writes on a second thread. Event loops
//! (Python's `asyncio`, `selectors`, servers written in C) do it on one thread
//! instead: both descriptors in non-blocking mode, and `poll(2)` to sleep until
//! one of them is ready.
#![allow(unused_variables)]

use std::io::{self, PipeReader, PipeWriter};

// ANCHOR: starter
/// Sends all of `outgoing` through `writer` while reading everything that
/// arrives on `reader` until end-of-file, both at the same time, on the
/// calling thread only (no extra threads). Closes `writer` as soon as all of
/// `outgoing` is written, so that the peer sees end-of-file. Returns the bytes
/// read.
///
/// Must not deadlock when both sides send messages far larger than the pipe
/// buffer at the same time, and must not use CPU while it waits: it sleeps
/// until one of the two descriptors is ready. If the peer closes its read
/// end before everything is sent, returns the write's error (`BrokenPipe`).
pub fn exchange(writer: PipeWriter, reader: PipeReader, outgoing: &[u8]) -> io::Result<Vec<u8>> {
    // TODO: an event loop on this thread: both descriptors non-blocking,
    // `poll` to sleep until one of them can make progress, and each side
    // closed (or no longer watched) once it is done.
    todo!("send and receive at once on one thread, with non-blocking descriptors and poll")
}
// ANCHOR_END: starter
