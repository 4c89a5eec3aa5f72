//! WRONG: redirects descriptor 1 and reads it all, but the child keeps the copy of the read end that fork gave it
//! EXPECT: a process holds no pipe end it does not use
//! CLAUSE: 4
//!
//! Every byte arrives. But the child holds a read end of its own output
//! pipe: a child that waited for its reader to go away (SIGPIPE, EPIPE)
//! would wait for itself.

use std::io::{self, Read};

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
    // `start` only lends the closure to the child: `writer` and `body` go
    // by value, so they come out of Options.
    let (mut writer, mut body) = (Some(writer), Some(body));
    // SAFETY: the child calls dup2 and close (async-signal-safe), then runs
    // `body`, which our caller promises keeps `start`'s contract.
    let mut child = unsafe {
        Process::start(move || {
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
    Ok((status, output))
}
