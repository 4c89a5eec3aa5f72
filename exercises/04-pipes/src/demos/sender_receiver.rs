//! The source tutorial's `Pipe` example: one process sends a greeting, another
//! receives and prints it.

use std::io;

use processes::demos::process::{ExitStatus, Process, child_println};

use super::framing;

// ANCHOR: sender_receiver
/// Starts a sender and a receiver process joined by a one-way pipe, and
/// returns how each one ended.
pub fn sender_receiver() -> io::Result<(ExitStatus, ExitStatus)> {
    let (mut reader, mut writer) = io::pipe()?;

    // `move` hands the write end to the child; `start` drops the closure in
    // the parent, which closes the parent's copy of the write end.
    // SAFETY: the child encodes a string (allocation is allowed: glibc's
    // malloc survives fork) and writes it with write(2).
    let mut sender = unsafe {
        Process::start(
            move || match framing::send(&mut writer, "Hello from sender") {
                Ok(()) => 0,
                Err(_) => 1,
            },
        )
    }?;

    // SAFETY: the child reads with read(2), decodes (allocation is allowed)
    // and prints with child_println, one write(2).
    let mut receiver = unsafe {
        Process::start(move || match framing::recv::<String>(&mut reader) {
            Ok(Some(message)) => {
                child_println(&format!("Received: {message}"));
                0
            }
            Ok(None) => {
                child_println("Received nothing: every write end closed first");
                2
            }
            Err(_) => 1,
        })
    }?;

    Ok((sender.join()?, receiver.join()?))
}
// ANCHOR_END: sender_receiver
