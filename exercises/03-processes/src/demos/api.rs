//! The life of a child, seen through the `Process` handle: alive, ended,
//! reaped; and how it ended.

use std::io;

use nix::sys::wait::{Id, WaitPidFlag, waitid};
use nix::unistd::{Pid, pause};

use super::process::{ExitStatus, Process};

/// A child that waits for a signal, forever.
pub fn start_sleeper() -> io::Result<Process> {
    // SAFETY: the child only calls pause(2), which is async-signal-safe.
    unsafe {
        Process::start(|| {
            loop {
                pause();
            }
        })
    }
}

// ANCHOR: terminate
/// Starts a sleeper, checks it is alive, stops it with SIGTERM (`polite`)
/// or SIGKILL, and returns how it ended.
pub fn stop_a_sleeper(polite: bool) -> io::Result<ExitStatus> {
    let mut child = start_sleeper()?;
    assert!(child.is_alive(), "a sleeper cannot have ended yet");
    if polite {
        child.terminate()?; // SIGTERM: Python's p.terminate()
    } else {
        child.kill()?; // SIGKILL: Python's p.kill()
    }
    let status = child.join()?;
    assert!(!child.is_alive());
    Ok(status)
}
// ANCHOR_END: terminate

/// The state letter of a process in `/proc/<pid>/stat` ('R' running, 'S'
/// sleeping, 'Z' zombie, ...), or `None` if there is no such process.
pub fn proc_state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (command) state ...": the command may hold spaces and ')'.
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().next()?.chars().next()
}

// ANCHOR: zombie
/// Returns the child's state once it has exited but before `join`, and after.
pub fn zombie_until_joined() -> io::Result<(Option<char>, Option<char>)> {
    // SAFETY: the child only returns 0.
    let mut child = unsafe { Process::start(|| 0) }?;
    // Wait until it has exited, but leave it unreaped (WNOWAIT).
    let pid = Pid::from_raw(child.pid());
    waitid(Id::Pid(pid), WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT)?;
    let before = proc_state(child.pid()); // Some('Z'): a zombie
    child.join()?; // waitpid reaps it: the kernel frees its entry
    let after = proc_state(child.pid()); // None
    Ok((before, after))
}
// ANCHOR_END: zombie
