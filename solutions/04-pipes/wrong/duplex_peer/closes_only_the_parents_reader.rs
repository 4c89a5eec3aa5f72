//! WRONG: the child closes its copy of the parent's read end but not of its write end
//! EXPECT: the child never saw end-of-file after the parent dropped its end
//! CLAUSE: 3

use std::io::{self, PipeReader, PipeWriter};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use processes::demos::process::Process;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::demos::framing;

/// One end of a duplex connection: typed messages both ways.
#[derive(Debug)]
pub struct Connection {
    reader: PipeReader,
    writer: PipeWriter,
}

impl Connection {
    /// Wraps the two pipe ends this end uses.
    pub fn new(reader: PipeReader, writer: PipeWriter) -> Connection {
        Connection { reader, writer }
    }

    /// Sends one message to the other end.
    pub fn send<T: Serialize + ?Sized>(&mut self, message: &T) -> io::Result<()> {
        framing::send(&mut self.writer, message)
    }

    /// Receives one message; `Ok(None)` once the other end is closed.
    pub fn recv<T: DeserializeOwned>(&mut self) -> io::Result<Option<T>> {
        framing::recv(&mut self.reader)
    }
}

// ANCHOR: duplex
/// Two connected ends: what one sends, the other receives, both ways.
pub fn duplex() -> io::Result<(Connection, Connection)> {
    let (left_reads, right_writes) = io::pipe()?;
    let (right_reads, left_writes) = io::pipe()?;
    Ok((
        Connection::new(left_reads, left_writes),
        Connection::new(right_reads, right_writes),
    ))
}
// ANCHOR_END: duplex

// ANCHOR: spawn_peer
/// Starts a child that runs `body` with one end; returns the child and the
/// other end, with no stray copies on either side.
///
/// # Safety
///
/// `body` runs in a forked child: it keeps the contract of
/// [`Process::start`].
pub unsafe fn spawn_peer<F>(body: F) -> io::Result<(Process, Connection)>
where
    F: FnOnce(Connection) -> i32,
{
    let (ours, theirs) = duplex()?;
    let our_fds = [ours.reader.as_raw_fd()];
    // `theirs` moves into the closure, which `start` drops in the parent.
    // `start` only lends the closure to the child: `theirs` and `body` go
    // by value, so they come out of an Option.
    let mut handed_over = Some((theirs, body));
    let child_side = move || {
        for fd in our_fds {
            // SAFETY: these are the child's copies of the parent's end; the
            // child never uses them, and never drops `ours` (it `_exit`s).
            drop(unsafe { OwnedFd::from_raw_fd(fd) });
        }
        match handed_over.take() {
            Some((theirs, body)) => body(theirs),
            None => 127,
        }
    };
    // SAFETY: the child closes a descriptor (async-signal-safe), then runs
    // `body`, which our caller promises keeps `start`'s contract.
    let child = unsafe { Process::start(child_side) }?;
    Ok((child, ours))
}
// ANCHOR_END: spawn_peer
