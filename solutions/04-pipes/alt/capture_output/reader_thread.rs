//! ALT: a scoped thread drains the pipe while this thread joins the child

use std::io::{self, Read};
use std::thread;

use processes::demos::process::{ExitStatus, Process};

/// Runs `body` in a child whose standard output is a pipe; returns how it
/// ended and what it wrote.
pub fn capture_output<F>(body: F) -> io::Result<(ExitStatus, Vec<u8>)>
where
    F: FnOnce() -> i32,
{
    let (mut reader, writer) = io::pipe()?;
    let mut child = Process::start(move || match nix::unistd::dup2_stdout(&writer) {
        Ok(()) => {
            drop(writer);
            body()
        }
        Err(_) => 127,
    })?;
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
