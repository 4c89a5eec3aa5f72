//! `cargo run -p pipes --bin big_exchange [MiB]`: a parent and a child send
//! each other a message far larger than the pipe buffer, at the same time.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use pipes::demos::large::{exchange, pattern};
use processes::demos::process::{Process, child_println};

fn main() -> io::Result<()> {
    let mib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(4);
    let len = mib << 20;
    let (from_child, to_parent) = io::pipe()?;
    let (from_parent, to_child) = io::pipe()?;

    // ANCHOR: close_in_child
    let parents_write_end = to_child.as_raw_fd();
    // `start` only lends the closure to the child: values it hands on by
    // value come out of an Option.
    let mut ends = Some((to_parent, from_parent));
    let child_side = move || {
        // fork copied the parent's write end `to_child` into the child too.
        // The child reads that pipe until end-of-file, which never comes while
        // the child itself holds a write end: close the copy first.
        // SAFETY: the child owns this copy and never touches it again.
        drop(unsafe { OwnedFd::from_raw_fd(parents_write_end) });
        let Some((to_parent, from_parent)) = ends.take() else {
            return 3;
        };
        match exchange(to_parent, from_parent, &pattern(len, 2)) {
            Ok(got) if got == pattern(len, 1) => {
                child_println(&format!("child: received {} bytes, all correct", got.len()));
                0
            }
            Ok(got) => {
                child_println(&format!("child: received {} wrong bytes", got.len()));
                1
            }
            Err(_) => 2,
        }
    };
    // SAFETY: the child closes a descriptor, exchanges bytes with poll,
    // read and write, allocates (allowed: glibc's malloc survives fork) and
    // prints with child_println, one write(2).
    let mut child = unsafe { Process::start(child_side) }?;
    // ANCHOR_END: close_in_child
    let got = exchange(to_child, from_child, &pattern(len, 1))?;
    let status = child.join()?;
    let correct = got == pattern(len, 2);
    println!(
        "parent: sent {len} bytes, received {} bytes, correct: {correct}",
        got.len()
    );
    println!("child {status}");
    if !(correct && status.success()) {
        std::process::exit(1);
    }
    Ok(())
}
