//! WRONG: moves the write end into the child but never makes it descriptor 1
//! EXPECT: nothing arrived through the pipe

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
    let mut child = Process::start(move || {
        let code = body();
        drop(writer);
        code
    })?;
    // Read first: the child may need us to read before it can finish.
    let mut output = Vec::new();
    reader.read_to_end(&mut output)?;
    let status = child.join()?;
    Ok((status, output))
}
// ANCHOR_END: capture_output
