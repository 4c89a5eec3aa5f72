//! WRONG: reads with a loop of its own that stops at the first error, EINTR included
//! EXPECT: while the parent waits for the child's output
//! CLAUSE: 5
//!
//! Right until a signal handler runs while the parent sleeps in `read`:
//! the read fails with EINTR, and the capture ends with an error although
//! the child is still printing.

use std::io::{self, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use processes::demos::process::{ExitStatus, Process};

/// Runs `body` in a child whose standard output is a pipe; returns how it
/// ended and what it wrote.
///
/// # Safety
///
/// `body` runs in a forked child: it keeps the contract of
/// [`Process::start`] (it prints with
/// [`child_println`](processes::demos::process::child_println), not with
/// `println!`).
pub unsafe fn capture_output<F>(body: F) -> io::Result<(ExitStatus, Vec<u8>)>
where
    F: FnOnce() -> i32,
{
    let (mut reader, writer) = io::pipe()?;
    // fork copies the read end into the child too, where nothing uses it.
    let readers_number = reader.as_raw_fd();
    // `start` only lends the closure to the child: `writer` and `body` go
    // by value, so they come out of Options.
    let (mut writer, mut body) = (Some(writer), Some(body));
    let child_side = move || {
        // SAFETY: the number of the read end that fork copied into this
        // child; the `reader` value stays in the parent, so nothing in the
        // child owns this copy, and it is closed once, here.
        drop(unsafe { OwnedFd::from_raw_fd(readers_number) });
        // Descriptor 1 becomes a second write end of the pipe; then the
        // original can go, so that only descriptor 1 keeps the pipe open.
        let Some(writer) = writer.take() else {
            return 127;
        };
        if nix::unistd::dup2_stdout(&writer).is_err() {
            return 127;
        }
        drop(writer);
        body.take().map_or(127, |body| body())
    };
    // SAFETY: the child calls close and dup2 (async-signal-safe), then runs
    // `body`, which our caller promises keeps `start`'s contract.
    let mut child = unsafe { Process::start(child_side) }?;
    // Read first: the child may need us to read before it can finish.
    let mut output = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        match reader.read(&mut chunk)? {
            0 => break,
            n => output.extend_from_slice(&chunk[..n]),
        }
    }
    let status = child.join()?;
    Ok((status, output))
}
