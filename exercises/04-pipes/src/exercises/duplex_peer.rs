//! Exercise: a duplex connection to a child process, like Python's
//! `parent_conn, child_conn = Pipe()` followed by
//! `Process(target=body, args=(child_conn,))`.
//!
//! A pipe goes one way. Two pipes, cross-wired, make a duplex connection:
//! each end reads from one pipe and writes to the other. Handing one end to a
//! child is where it gets interesting: `fork` copies *every* descriptor, so
//! unless someone closes them, the parent still holds the child's end and the
//! child still holds the parent's end, and neither ever sees end-of-file.
#![allow(unused_variables)]

use std::io::{self, PipeReader, PipeWriter};

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

    /// Receives one message; `Ok(None)` once the other end is closed (in
    /// every process that held a copy of it).
    pub fn recv<T: DeserializeOwned>(&mut self) -> io::Result<Option<T>> {
        framing::recv(&mut self.reader)
    }
}

// ANCHOR: starter
/// Two connected ends: what one sends, the other receives, in both
/// directions. Python's `Pipe(duplex=True)`.
pub fn duplex() -> io::Result<(Connection, Connection)> {
    // TODO: two one-way pipes, cross-wired into two `Connection`s.
    todo!("build a duplex connection from two one-way pipes, cross-wired")
}

/// Starts a child process that runs `body` with one end of a new duplex
/// connection, and returns the child and the other end.
///
/// When this returns:
/// * the parent holds no copy of the child's end (so the parent's `recv`
///   returns `None` once the child has exited or dropped its end);
/// * the child holds no copy of the parent's end (so the child's `recv`
///   returns `None` once the parent drops its end, and its `send` fails
///   with `BrokenPipe` instead of blocking once nobody can read).
///
/// The child leaves with `body`'s return value as its exit code.
///
/// # Safety
///
/// `body` runs in a forked child: it keeps the contract of
/// [`Process::start`].
pub unsafe fn spawn_peer<F>(body: F) -> io::Result<(Process, Connection)>
where
    F: FnOnce(Connection) -> i32,
{
    // TODO: a duplex connection, one end for the child and one for the
    // parent, such that after the fork neither process holds a copy of the
    // other's end (see the two promises above). `Process::start` is an
    // `unsafe fn` (read its Safety section): call it in an `unsafe` block
    // whose `// SAFETY:` comment says why its contract holds (what your
    // child does besides `body`; `body` is your caller's promise). The child
    // only borrows the closure: values it must own go in an `Option` it
    // `take`s.
    todo!(
        "start a child with one end of a duplex connection, closing the copies neither side should hold"
    )
}
// ANCHOR_END: starter
