//! ALT: a scoped thread drains the pipe while this thread joins the child

use std::io::{self, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::thread;

use processes::demos::process::{ExitStatus, Process};

/// Runs `body` in a child whose standard output is a pipe; returns how it
/// ended and what it wrote.
///
/// # Safety
///
/// As for [`Process::start`]: `body` runs in a forked child.
pub unsafe fn capture_output<F>(body: F) -> io::Result<(ExitStatus, Vec<u8>)>
where
    F: FnOnce() -> i32,
{
    let (mut reader, writer) = io::pipe()?;
    let (mut writer, mut body) = (Some(writer), Some(body));
    // fork copies the read end into the child too: the child closes it.
    let readers_number = reader.as_raw_fd();
    // SAFETY: the child closes its copy of the read end (which no value of
    // the child owns: `reader` stays in the parent), calls dup2 and close,
    // all async-signal-safe; `body` is our caller's promise.
    let mut child = unsafe {
        Process::start(move || {
            drop(OwnedFd::from_raw_fd(readers_number));
            match writer.take() {
                Some(writer) if nix::unistd::dup2_stdout(&writer).is_ok() => {
                    drop(writer);
                    body.take().map_or(127, |body| body())
                }
                _ => 127,
            }
        })
    }?;
    thread::scope(|scope| {
        let draining = scope.spawn(move || {
            let mut output = Vec::new();
            reader.read_to_end(&mut output).map(|_| output)
        });
        // Joining first is safe here: the other thread keeps the pipe moving.
        let status = child.join();
        let output = draining.join().expect("the reading thread panicked");
        Ok((status?, output?))
    })
}
