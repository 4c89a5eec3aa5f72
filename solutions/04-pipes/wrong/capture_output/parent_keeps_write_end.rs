//! WRONG: the child gets a clone of the write end and the parent keeps the original
//! EXPECT: end-of-file never came although the child has exited

use std::io::{self, Read};

use processes::demos::process::{ExitStatus, Process};

// ANCHOR: capture_output
/// Runs `body` in a child whose standard output is a pipe; returns how it
/// ended and what it wrote.
pub fn capture_output<F>(body: F) -> io::Result<(ExitStatus, Vec<u8>)>
where
    F: FnOnce() -> i32,
{
    let (mut reader, writer) = io::pipe()?;
    let child_writer = writer.try_clone()?;
    let mut child = Process::start(move || {
        let writer = child_writer;
        // Descriptor 1 becomes a second write end of the pipe; then the
        // original can go, so that only descriptor 1 keeps the pipe open.
        if nix::unistd::dup2_stdout(&writer).is_err() {
            return 127;
        }
        drop(writer);
        body()
    })?;
    let mut output = Vec::new();
    reader.read_to_end(&mut output)?;
    let status = child.join()?;
    drop(writer);
    Ok((status, output))
}
// ANCHOR_END: capture_output
