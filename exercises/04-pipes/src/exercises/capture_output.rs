//! Exercise: run a function in a child process and capture what it prints,
//! like Python's `subprocess.run(..., capture_output=True)` or Rust's
//! `Command::output()`, for a closure instead of a program.
//!
//! The child's standard output is descriptor 1. Make descriptor 1 a copy of
//! a pipe's write end (`dup2`), and everything the child writes to its
//! standard output goes into the pipe, where the parent reads it.
#![allow(unused_variables, unused_imports)]

use std::io;

use processes::demos::process::{ExitStatus, Process};

// ANCHOR: starter
/// Runs `body` in a child process whose standard output (descriptor 1) is
/// the write end of a pipe; returns how the child ended and every byte it
/// wrote to its standard output.
///
/// Must work for output of any size: a child that writes more than the pipe
/// holds (64 KiB) blocks until the parent reads.
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
    // TODO: a pipe whose write end becomes the child's descriptor 1 before
    // `body` runs, and of which the parent keeps only the read end; the
    // parent collects every byte until end-of-file and reaps the child.
    // `Process::start` is an `unsafe fn` too: call it in an `unsafe` block
    // whose `// SAFETY:` comment says why its contract holds (what does your
    // child do besides `body`, and who vouches for `body`?).
    todo!("redirect the child's standard output into a pipe, read it all, then join")
}
// ANCHOR_END: starter
