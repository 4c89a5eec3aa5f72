//! End-of-file on a pipe, and the hang when a write end leaks.
//!
//! A read on an empty pipe blocks while *any* write end is open, in any
//! process. `fork` copies every descriptor, so a copy of the write end can
//! survive in a place nobody thinks of: the parent that handed the write end
//! to a child and forgot to close its own, or an unrelated child forked while
//! the write end was open. The reader then waits for ever.

use std::io::{self, PipeReader, PipeWriter};
use std::os::fd::AsFd;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use processes::demos::process::Process;

use super::framing;

/// What a read on a pipe's read end would do right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadEnd {
    /// There are bytes to read.
    HasData,
    /// The pipe is empty and every write end is closed: a read returns 0.
    EndOfFile,
    /// The pipe is empty but some write end is still open: a read blocks.
    WouldBlock,
}

// ANCHOR: read_end_state
/// Asks the kernel, with `poll`, what a read on `reader` would do, waiting at
/// most `timeout` for something to change.
///
/// `POLLHUP` on a read end means "no writer left"; no event at all means "a
/// writer exists, but has nothing for you".
pub fn read_end_state(reader: &impl AsFd, timeout: PollTimeout) -> io::Result<ReadEnd> {
    let mut fds = [PollFd::new(reader.as_fd(), PollFlags::POLLIN)];
    loop {
        match poll(&mut fds, timeout) {
            Ok(_) => break,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    let events = fds[0].revents().unwrap_or(PollFlags::empty());
    Ok(if events.contains(PollFlags::POLLIN) {
        ReadEnd::HasData
    } else if events.contains(PollFlags::POLLHUP) {
        ReadEnd::EndOfFile
    } else {
        ReadEnd::WouldBlock
    })
}
// ANCHOR_END: read_end_state

// ANCHOR: writer_child
/// Starts a child that sends the numbers `0..count` as messages and exits.
/// The write end is moved into the child, so this process's copy is closed
/// when `start` returns.
pub fn start_writer(mut writer: PipeWriter, count: u32) -> io::Result<Process> {
    // SAFETY: the child encodes numbers (allocation is allowed: glibc's
    // malloc survives fork) and writes them with write(2).
    unsafe {
        Process::start(move || {
            for n in 0..count {
                if framing::send(&mut writer, &n).is_err() {
                    return 1;
                }
            }
            0
        })
    }
}
// ANCHOR_END: writer_child

/// Reads messages until there is nothing left *right now*: returns them, and
/// what a further read would do. Never blocks on an empty pipe.
pub fn drain_available(reader: &mut PipeReader) -> io::Result<(Vec<u32>, ReadEnd)> {
    let mut got = Vec::new();
    loop {
        match read_end_state(reader, PollTimeout::ZERO)? {
            ReadEnd::HasData => match framing::recv::<u32>(reader)? {
                Some(n) => got.push(n),
                None => return Ok((got, ReadEnd::EndOfFile)),
            },
            state => return Ok((got, state)),
        }
    }
}
