//! `cargo run -p pipes --bin eof_leak`: end-of-file arrives once every write
//! end is closed; a leaked copy of the write end holds it back.

use std::io;

use nix::poll::PollTimeout;
use pipes::demos::eof::{ReadEnd, drain_available, read_end_state, start_writer};
use processes::demos::process::Process;

/// How long the program waits to show that end-of-file does not come. A
/// program may use a timeout to make a point; the tests use none.
fn patience() -> PollTimeout {
    PollTimeout::from(1000u16)
}

// ANCHOR: main
fn main() -> io::Result<()> {
    println!("1. every write end closed");
    let (mut reader, writer) = io::pipe()?;
    let mut child = start_writer(writer, 3)?;
    child.join()?;
    report(&mut reader)?;

    println!("2. the parent keeps a copy of the write end");
    let (mut reader, writer) = io::pipe()?;
    let leaked = writer.try_clone()?; // the mistake
    let mut child = start_writer(writer, 3)?;
    child.join()?;
    report(&mut reader)?;
    drop(leaked);
    println!("   closed our copy");
    report(&mut reader)?;

    println!("3. a bystander child inherits the write end");
    let (mut reader, writer) = io::pipe()?;
    // SAFETY: the child only calls pause(2).
    let mut bystander = unsafe {
        Process::start(|| {
            // Inherited the write end with everything else, and just waits.
            nix::unistd::pause();
            0
        })
    }?;
    let mut child = start_writer(writer, 3)?;
    child.join()?;
    report(&mut reader)?;
    bystander.terminate()?;
    println!("   bystander {}", bystander.join()?);
    report(&mut reader)?;
    Ok(())
}
// ANCHOR_END: main

/// Reads what is there, then waits up to one second for end-of-file.
fn report(reader: &mut io::PipeReader) -> io::Result<()> {
    let (got, _) = drain_available(reader)?;
    if !got.is_empty() {
        println!("   received {got:?}");
    }
    match read_end_state(reader, patience())? {
        ReadEnd::EndOfFile => println!("   end of file"),
        ReadEnd::WouldBlock => println!("   no end of file after 1 s: a write end is still open"),
        ReadEnd::HasData => println!("   more data arrived"),
    }
    Ok(())
}
