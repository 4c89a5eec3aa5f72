//! WRONG: moves the write end into the child but never makes it descriptor 1
//! EXPECT: nothing arrived through the pipe
//! CLAUSE: 1

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
    // SAFETY: the child runs `body`, which our caller promises keeps
    // `start`'s contract, then closes the write end (async-signal-safe).
    let mut child = unsafe {
        Process::start(move || {
            // SAFETY: the child's copy of the read end, owned by nothing here.
            drop(unsafe { OwnedFd::from_raw_fd(readers_number) });
            let code = body.take().map_or(127, |body| body());
            drop(writer.take());
            code
        })
    }?;
    // Read first: the child may need us to read before it can finish.
    let mut output = Vec::new();
    reader.read_to_end(&mut output)?;
    let status = child.join()?;
    Ok((status, output))
}
// ANCHOR_END: capture_output
