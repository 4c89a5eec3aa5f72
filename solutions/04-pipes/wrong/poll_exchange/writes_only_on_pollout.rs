//! WRONG: writes at once, then again only when poll reports POLLOUT, so a reader that goes away while the pipe is full (POLLERR) is never noticed
//! EXPECT: poll reports that as POLLERR on the writer, not POLLOUT
//! CLAUSE: 4
//!
//! Right while the peer reads, and right for a peer that closed its read
//! end before the exchange (the first write fails with EPIPE). But a peer
//! that goes away while the pipe is full gives POLLERR, never POLLOUT: the
//! loop wakes at once, every time, and never writes again.

use std::io::{self, PipeReader, PipeWriter};
use std::os::fd::AsFd;

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

fn set_nonblocking(end: &impl AsFd) -> io::Result<()> {
    let flags = OFlag::from_bits_retain(fcntl(end.as_fd(), FcntlArg::F_GETFL)?);
    fcntl(end.as_fd(), FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
    Ok(())
}

/// Sends `outgoing` and reads until end-of-file at the same time, on this
/// thread, with non-blocking descriptors and `poll`.
pub fn exchange(writer: PipeWriter, reader: PipeReader, outgoing: &[u8]) -> io::Result<Vec<u8>> {
    set_nonblocking(&writer)?;
    set_nonblocking(&reader)?;
    let mut writer = Some(writer).filter(|_| !outgoing.is_empty());
    let mut unsent = outgoing;
    let mut incoming = Vec::new();
    let mut reading = true;
    let mut chunk = vec![0u8; 64 * 1024];
    let mut first_round = true;

    while reading || writer.is_some() {
        // Poll only what is still open: a finished reader would report
        // POLLHUP for ever, and the loop would spin.
        let mut fds = Vec::with_capacity(2);
        let read_slot = reading.then(|| {
            fds.push(PollFd::new(reader.as_fd(), PollFlags::POLLIN));
            fds.len() - 1
        });
        let write_slot = writer.as_ref().map(|w| {
            fds.push(PollFd::new(w.as_fd(), PollFlags::POLLOUT));
            fds.len() - 1
        });
        match poll(&mut fds, PollTimeout::NONE) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
        let events = |slot: Option<usize>| {
            slot.and_then(|i| fds[i].revents())
                .unwrap_or(PollFlags::empty())
        };
        let (can_read, can_write) = (events(read_slot), events(write_slot));
        drop(fds); // they borrow `writer`, which we may close below

        // POLLHUP without POLLIN: every writer is gone, read() says 0.
        if !can_read.is_empty() {
            match nix::unistd::read(reader.as_fd(), &mut chunk) {
                Ok(0) => reading = false,
                Ok(n) => incoming.extend_from_slice(&chunk[..n]),
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let can_write = can_write.contains(PollFlags::POLLOUT) || first_round;
        first_round = false;
        if can_write && let Some(w) = &writer {
            match nix::unistd::write(w.as_fd(), unsent) {
                Ok(n) => unsent = &unsent[n..],
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(e) => return Err(e.into()), // EPIPE: the peer closed its read end
            }
            if unsent.is_empty() {
                writer = None; // closes it: end-of-file for the peer
            }
        }
    }
    Ok(incoming)
}
