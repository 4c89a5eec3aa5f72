//! WRONG: never closes the writer when everything is sent, so the peer never sees end-of-file
//! EXPECT: drop the writer as soon as all of `outgoing` is written
//! CLAUSE: 2

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

// ANCHOR: exchange
/// Sends `outgoing` and reads until end-of-file at the same time, on this
/// thread, with non-blocking descriptors and `poll`.
pub fn exchange(writer: PipeWriter, reader: PipeReader, outgoing: &[u8]) -> io::Result<Vec<u8>> {
    set_nonblocking(&writer)?;
    set_nonblocking(&reader)?;
    let writer = Some(writer);
    let mut sent_all = outgoing.is_empty();
    let mut unsent = outgoing;
    let mut incoming = Vec::new();
    let mut reading = true;
    let mut chunk = vec![0u8; 64 * 1024];

    while reading || !sent_all {
        // Poll only what is still open: a finished reader would report
        // POLLHUP for ever, and the loop would spin.
        let mut fds = Vec::with_capacity(2);
        let read_slot = reading.then(|| {
            fds.push(PollFd::new(reader.as_fd(), PollFlags::POLLIN));
            fds.len() - 1
        });
        let write_slot = writer.as_ref().filter(|_| !sent_all).map(|w| {
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
        if !can_write.is_empty()
            && let Some(w) = &writer
        {
            match nix::unistd::write(w.as_fd(), unsent) {
                Ok(n) => unsent = &unsent[n..],
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(e) => return Err(e.into()), // EPIPE: the peer closed its read end
            }
            sent_all = unsent.is_empty();
        }
    }
    Ok(incoming)
}
// ANCHOR_END: exchange
