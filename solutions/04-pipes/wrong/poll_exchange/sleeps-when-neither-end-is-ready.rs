//! WRONG: no poll: non-blocking reads and writes, and a 1 ms sleep whenever neither end is ready
//! EXPECT: exchange polls
//! CLAUSE: 3
//!
//! Python's habit with non-blocking sockets, `except BlockingIOError:
//! time.sleep(0.001)`. It never deadlocks and uses little CPU, so a test that
//! only measures CPU time passes it. But it wakes a thousand times a second
//! while the peer is idle, and each byte waits up to a millisecond for the
//! next look; `poll` sleeps until a descriptor is ready, and no longer.

use std::io::{self, PipeReader, PipeWriter};
use std::os::fd::AsFd;
use std::thread;
use std::time::Duration;

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};

fn set_nonblocking(end: &impl AsFd) -> io::Result<()> {
    let flags = OFlag::from_bits_retain(fcntl(end.as_fd(), FcntlArg::F_GETFL)?);
    fcntl(end.as_fd(), FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
    Ok(())
}

// ANCHOR: exchange
/// Sends `outgoing` and reads until end-of-file at the same time, on this
/// thread, with non-blocking descriptors.
pub fn exchange(writer: PipeWriter, reader: PipeReader, outgoing: &[u8]) -> io::Result<Vec<u8>> {
    set_nonblocking(&writer)?;
    set_nonblocking(&reader)?;
    let mut writer = Some(writer).filter(|_| !outgoing.is_empty());
    let mut unsent = outgoing;
    let mut incoming = Vec::new();
    let mut reading = true;
    let mut chunk = vec![0u8; 64 * 1024];

    while reading || writer.is_some() {
        let mut progress = false;
        if reading {
            match nix::unistd::read(reader.as_fd(), &mut chunk) {
                Ok(0) => reading = false,
                Ok(n) => {
                    incoming.extend_from_slice(&chunk[..n]);
                    progress = true;
                }
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        if let Some(w) = &writer {
            match nix::unistd::write(w.as_fd(), unsent) {
                Ok(n) => {
                    unsent = &unsent[n..];
                    progress = true;
                }
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(e) => return Err(e.into()),
            }
            if unsent.is_empty() {
                writer = None; // closes it: end-of-file for the peer
            }
        }
        if !progress {
            thread::sleep(Duration::from_millis(1)); // nothing ready: look again soon
        }
    }
    Ok(incoming)
}
// ANCHOR_END: exchange
