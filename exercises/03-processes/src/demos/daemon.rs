//! A daemon child that dies with its parent, even a parent killed by SIGKILL.

use std::io::{self, BufRead, Write};

use nix::unistd::pause;

use super::process::Process;

// ANCHOR: daemon_parent
/// Starts a daemon child that would run forever, prints both pids, then
/// waits for standard input to close before it returns normally.
pub fn daemon_parent() -> io::Result<()> {
    // SAFETY: the child only calls pause(2), which is async-signal-safe.
    let daemon = unsafe {
        Process::start_daemon(|| {
            loop {
                pause(); // wait for a signal; only SIGKILL will come
            }
        })
    }?;
    println!("parent pid: {}", std::process::id());
    println!("daemon child pid: {}", daemon.pid());
    io::stdout().flush()?;
    // Blocks until stdin closes (Ctrl-D), or until someone kills us.
    for line in io::stdin().lock().lines() {
        line?;
    }
    println!("parent: exiting normally; dropping the handle kills the daemon");
    Ok(()) // `daemon` is dropped here: SIGKILL, then reaped
}
// ANCHOR_END: daemon_parent
