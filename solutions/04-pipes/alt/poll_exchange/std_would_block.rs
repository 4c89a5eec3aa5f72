//! ALT: std's `Read`/`Write` with `ErrorKind::WouldBlock`, and a poll set rebuilt from two `Option`s

use std::io::{self, ErrorKind, PipeReader, PipeWriter, Read, Write};
use std::os::fd::AsFd;

use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

fn nonblocking<T: AsFd>(end: T) -> io::Result<T> {
    let flags = OFlag::from_bits_retain(fcntl(end.as_fd(), FcntlArg::F_GETFL)?);
    fcntl(end.as_fd(), FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
    Ok(end)
}

/// Sends `outgoing` and reads until end-of-file at the same time, on this
/// thread.
pub fn exchange(writer: PipeWriter, reader: PipeReader, outgoing: &[u8]) -> io::Result<Vec<u8>> {
    let mut writer = Some(nonblocking(writer)?).filter(|_| !outgoing.is_empty());
    let mut reader = Some(nonblocking(reader)?);
    let mut rest = outgoing;
    let mut incoming = Vec::new();
    let mut buf = vec![0u8; 32 * 1024];

    while writer.is_some() || reader.is_some() {
        let (read_ready, write_ready) = {
            let mut fds: Vec<PollFd> = Vec::with_capacity(2);
            if let Some(r) = &reader {
                fds.push(PollFd::new(r.as_fd(), PollFlags::POLLIN));
            }
            if let Some(w) = &writer {
                fds.push(PollFd::new(w.as_fd(), PollFlags::POLLOUT));
            }
            match poll(&mut fds, PollTimeout::NONE) {
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
            let ready: Vec<bool> = fds.iter().map(|fd| fd.any().unwrap_or(false)).collect();
            let read_ready = reader.is_some() && ready[0];
            let write_ready = writer.is_some() && *ready.last().unwrap_or(&false);
            (read_ready, write_ready)
        };
        if read_ready && let Some(r) = &mut reader {
            match r.read(&mut buf) {
                Ok(0) => reader = None,
                Ok(n) => incoming.extend_from_slice(&buf[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {}
                Err(e) => return Err(e),
            }
        }
        if write_ready && let Some(w) = &mut writer {
            match w.write(rest) {
                Ok(n) => rest = &rest[n..],
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {}
                Err(e) => return Err(e),
            }
            if rest.is_empty() {
                writer = None;
            }
        }
    }
    Ok(incoming)
}
