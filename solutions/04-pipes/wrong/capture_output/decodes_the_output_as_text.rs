//! WRONG: reads the output as text (lossily, so that it never fails), and returns that text's bytes
//! EXPECT: Return the bytes as they came
//! CLAUSE: 1
//!
//! Right for every test that prints text. A program's output is bytes: an
//! image, a compressed stream, text in another encoding come back changed.

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
    // SAFETY: the child calls dup2 and close (async-signal-safe), then runs
    // `body`, which our caller promises keeps `start`'s contract.
    let mut child = unsafe {
        Process::start(move || {
            // SAFETY: the number of the read end that fork copied into this
            // child; the `reader` value stays in the parent, so nothing in
            // the child owns this copy, and it is closed once, here.
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
    // Read first: the child may need us to read before it can finish.
    let mut output = Vec::new();
    reader.read_to_end(&mut output)?;
    let status = child.join()?;
    Ok((
        status,
        String::from_utf8_lossy(&output).into_owned().into_bytes(),
    ))
}
