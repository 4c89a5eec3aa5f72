//! Messages far larger than the pipe's buffer, in both directions at once.
//!
//! The kernel keeps a pipe's bytes in a buffer of 64 KiB by default (16
//! pages). A `write` that does not fit blocks until a reader makes room. Two
//! processes that each write a big message to the other before reading
//! anything both block in `write`, for ever: neither reads, so neither buffer
//! ever drains.

use std::io::{self, PipeReader, PipeWriter, Read, Write};
use std::os::fd::AsFd;
use std::thread;

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};

// ANCHOR: capacity
/// The capacity of this pipe's buffer, in bytes (`fcntl(F_GETPIPE_SZ)`).
pub fn buffer_size(end: &impl AsFd) -> io::Result<usize> {
    Ok(fcntl(end.as_fd(), FcntlArg::F_GETPIPE_SZ)? as usize)
}

/// The largest buffer an unprivileged process may ask for with
/// `F_SETPIPE_SZ`, from `/proc/sys/fs/pipe-max-size` (1 MiB by default).
pub fn max_buffer_size() -> io::Result<usize> {
    let text = std::fs::read_to_string("/proc/sys/fs/pipe-max-size")?;
    text.trim().parse().map_err(io::Error::other)
}

/// Writes zeros into `writer` without blocking until the kernel refuses, and
/// returns how many bytes it took: what a blocking writer could write before
/// it blocks when nobody reads.
pub fn fill_until_full(writer: &PipeWriter) -> io::Result<usize> {
    let flags = OFlag::from_bits_retain(fcntl(writer.as_fd(), FcntlArg::F_GETFL)?);
    fcntl(writer.as_fd(), FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
    let chunk = [0u8; 4096];
    let mut total = 0;
    let outcome = loop {
        match nix::unistd::write(writer.as_fd(), &chunk) {
            Ok(n) => total += n,
            Err(Errno::EAGAIN) => break Ok(total),
            Err(Errno::EINTR) => continue,
            Err(e) => break Err(e.into()),
        }
    };
    fcntl(writer.as_fd(), FcntlArg::F_SETFL(flags))?;
    outcome
}
// ANCHOR_END: capacity

// ANCHOR: naive
/// Writes the whole message, closes, then reads the peer's whole message.
/// Fine below the buffer size; with bigger messages from both sides it
/// deadlocks, each side blocked in `write_all` waiting for the other to read.
pub fn naive_exchange(
    mut writer: PipeWriter,
    mut reader: PipeReader,
    outgoing: &[u8],
) -> io::Result<Vec<u8>> {
    writer.write_all(outgoing)?;
    drop(writer); // the peer's read ends here
    let mut incoming = Vec::new();
    reader.read_to_end(&mut incoming)?;
    Ok(incoming)
}
// ANCHOR_END: naive

// ANCHOR: exchange
/// Sends `outgoing` and receives the peer's message at the same time: a
/// scoped thread writes (and closes the write end when done, so the peer sees
/// end-of-file) while this thread reads until end-of-file.
pub fn exchange(
    writer: PipeWriter,
    mut reader: PipeReader,
    outgoing: &[u8],
) -> io::Result<Vec<u8>> {
    thread::scope(|scope| {
        let sending = scope.spawn(move || {
            let mut writer = writer;
            writer.write_all(outgoing)
            // `writer` is dropped here: end-of-file for the peer
        });
        let mut incoming = Vec::new();
        let received = reader.read_to_end(&mut incoming);
        sending.join().expect("the writing thread panicked")?;
        received.map(|_| incoming)
    })
}
// ANCHOR_END: exchange

/// A message of `len` bytes that is not all the same byte, so that a test can
/// tell a shifted or truncated copy from the real thing.
pub fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 12) as u8)
        .collect()
}
