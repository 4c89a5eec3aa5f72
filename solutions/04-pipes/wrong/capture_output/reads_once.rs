//! WRONG: one `read` call instead of reading until end-of-file
//! EXPECT: until end-of-file
//! CLAUSE: 1
//!
//! A `read` on a pipe returns what is there at that moment, at least one
//! byte; the rest comes later.

use std::io::{self, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use processes::demos::process::{ExitStatus, Process};

// ANCHOR: capture_output
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
    let readers_number = reader.as_raw_fd();
    // `start` only lends the closure to the child: `writer` and `body` go
    // by value, so they come out of Options.
    let (mut writer, mut body) = (Some(writer), Some(body));
    // SAFETY: the child calls dup2 and close (async-signal-safe), then runs
    // `body`, which our caller promises keeps `start`'s contract.
    let mut child = unsafe {
        Process::start(move || {
            // SAFETY: the child's copy of the read end, owned by nothing here.
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
        })
    }?;
    let mut output = vec![0u8; 1 << 20];
    let n = reader.read(&mut output)?;
    output.truncate(n);
    let status = child.join()?;
    Ok((status, output))
}
// ANCHOR_END: capture_output
