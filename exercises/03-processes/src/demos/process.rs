//! A child process with the shape of Python's `multiprocessing.Process`.
//!
//! [`Process::start`] forks: the child runs a closure and leaves with
//! `_exit`, the parent gets a handle to `join`, poll, `terminate` or `kill`
//! it. [`ExitStatus`] tells a normal exit from a death by signal, where Python
//! folds both into one integer (`exitcode == -9` for SIGKILL).
//!
//! # Fork safety
//!
//! `fork` copies the whole address space but only the calling thread. Any lock
//! that another thread held at that moment (the stdout lock, an allocator
//! arena, a `Mutex` of yours) stays locked forever in the child. So the child
//! of a multithreaded program should do little, use [`child_println`] (one
//! `write(2)`, no lock) rather than `println!`, and leave with `_exit`, which
//! runs no destructors, flushes no buffers and calls no `atexit` handlers that
//! belong to the parent. `Process::start` does the leaving for you.

use std::fmt;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};

use nix::sys::signal::{self, Signal};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, getpid, getppid};

/// How a child process ended.
// ANCHOR: exit_status
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// It called `exit`/`_exit` (or returned from `main`) with this code.
    Exited(i32),
    /// It was killed by this signal number (9 for SIGKILL, 15 for SIGTERM).
    Signaled(i32),
}

impl ExitStatus {
    /// True for `Exited(0)`, like `std::process::ExitStatus::success`.
    pub fn success(&self) -> bool {
        *self == ExitStatus::Exited(0)
    }

    /// The number Python's `Process.exitcode` would show: the exit code, or
    /// minus the signal number (`-9` for a child killed by SIGKILL).
    pub fn python_exitcode(&self) -> i32 {
        match *self {
            ExitStatus::Exited(code) => code,
            ExitStatus::Signaled(signal) => -signal,
        }
    }
}
// ANCHOR_END: exit_status

impl fmt::Display for ExitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ExitStatus::Exited(code) => write!(f, "exited with code {code}"),
            ExitStatus::Signaled(number) => match Signal::try_from(number) {
                Ok(signal) => write!(f, "killed by signal {number} ({signal})"),
                Err(_) => write!(f, "killed by signal {number}"),
            },
        }
    }
}

/// Converts what `waitpid` reports into an [`ExitStatus`], or `None` while the
/// child is still running (`WNOHANG`) or was only stopped or continued.
pub fn exit_status_of(status: WaitStatus) -> Option<ExitStatus> {
    match status {
        WaitStatus::Exited(_, code) => Some(ExitStatus::Exited(code)),
        WaitStatus::Signaled(_, signal, _core_dumped) => Some(ExitStatus::Signaled(signal as i32)),
        _ => None,
    }
}

/// A child process started by [`Process::start`].
///
/// The child stays a zombie (an entry in the process table holding its exit
/// status) until it is reaped by [`join`](Process::join),
/// [`try_join`](Process::try_join) or [`is_alive`](Process::is_alive). Until
/// then its pid cannot be reused, which is what makes
/// [`terminate`](Process::terminate) and [`kill`](Process::kill) safe: they
/// never signal a stranger that got the same pid. Once the status is known,
/// they do nothing, like Python's.
#[derive(Debug)]
pub struct Process {
    pid: Pid,
    status: Option<ExitStatus>,
    daemon: bool,
}

impl Process {
    /// Forks. The child runs `body` and leaves with `_exit(code)`, where
    /// `code` is what `body` returned, or 101 if it panicked (the exit code of
    /// a Rust program whose main thread panicked). It never returns in the
    /// child. The parent gets the handle.
    // ANCHOR: start
    pub fn start<F: FnOnce() -> i32>(body: F) -> io::Result<Process> {
        // SAFETY: the child only runs `body` and then `_exit`s; it never
        // returns into the caller's code (a test harness, a thread pool)
        // whose other threads do not exist in the child.
        match unsafe { fork() }? {
            ForkResult::Parent { child } => Ok(Process {
                pid: child,
                status: None,
                daemon: false,
            }),
            ForkResult::Child => run_child(body),
        }
    }
    // ANCHOR_END: start

    /// Like [`start`](Process::start), but the child dies with its parent,
    /// whatever way the parent goes: a normal exit, a panic, or a SIGKILL
    /// that gave it no chance to clean up. Dropping the handle kills and
    /// reaps the child too, like Python's `daemon = True` at a normal exit.
    ///
    /// Linux sends the signal when the *thread* that forked ends, not only
    /// the process: start daemons from a thread that lives as long as they
    /// should (usually the main thread).
    // ANCHOR: start_daemon
    pub fn start_daemon<F: FnOnce() -> i32>(body: F) -> io::Result<Process> {
        let parent = getpid();
        // SAFETY: as in `start`; prctl, getppid and kill are async-signal-safe.
        match unsafe { fork() }? {
            ForkResult::Parent { child } => Ok(Process {
                pid: child,
                status: None,
                daemon: true,
            }),
            ForkResult::Child => {
                // Ask the kernel for SIGKILL when the parent goes away.
                if nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).is_err() {
                    exit_now(127);
                }
                // The parent may have died between fork and prctl: then we
                // were already handed to another parent and no signal will come.
                if getppid() != parent {
                    let _ = signal::kill(getpid(), Signal::SIGKILL);
                }
                run_child(body)
            }
        }
    }
    // ANCHOR_END: start_daemon

    /// The child's process id.
    pub fn pid(&self) -> i32 {
        self.pid.as_raw()
    }

    /// Whether this handle was made by [`start_daemon`](Process::start_daemon).
    pub fn is_daemon(&self) -> bool {
        self.daemon
    }

    /// Waits for the child to end and reaps it. Calling it again returns the
    /// same status without waiting.
    pub fn join(&mut self) -> io::Result<ExitStatus> {
        while self.status.is_none() {
            match waitpid(self.pid, None) {
                Ok(status) => self.status = exit_status_of(status),
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Ok(self.status.expect("the loop ends once the status is known"))
    }

    /// Reaps the child if it has ended, without waiting: `Some(status)` if it
    /// has ended (now or before), `None` if it is still running.
    pub fn try_join(&mut self) -> io::Result<Option<ExitStatus>> {
        if self.status.is_none() {
            let status = waitpid(self.pid, Some(WaitPidFlag::WNOHANG))?;
            self.status = exit_status_of(status);
        }
        Ok(self.status)
    }

    /// True until the child has ended. Reaps it if it has, like Python's.
    pub fn is_alive(&mut self) -> bool {
        matches!(self.try_join(), Ok(None))
    }

    /// The status, if the child has been reaped; `None` before. Python's
    /// `exitcode` is `self.exit_status().map(|s| s.python_exitcode())`.
    pub fn exit_status(&self) -> Option<ExitStatus> {
        self.status
    }

    /// Sends SIGTERM: a polite request to stop, which the child may handle.
    pub fn terminate(&self) -> io::Result<()> {
        self.send(Signal::SIGTERM)
    }

    /// Sends SIGKILL: the child ends at once, without cleaning up.
    pub fn kill(&self) -> io::Result<()> {
        self.send(Signal::SIGKILL)
    }

    fn send(&self, signal: Signal) -> io::Result<()> {
        if self.status.is_some() {
            return Ok(()); // reaped: the pid may belong to someone else now
        }
        // A zombie can still be signalled (it ignores it): no error then.
        signal::kill(self.pid, signal).map_err(io::Error::from)
    }
}

impl Drop for Process {
    /// A daemon child is killed and reaped with its handle. A normal child is
    /// left alone: join it, or it stays a zombie until this process exits.
    fn drop(&mut self) {
        if self.daemon && self.status.is_none() {
            let _ = self.kill();
            let _ = self.join();
        }
    }
}

/// The child's side of `start`: run the body, catch a panic, `_exit`.
fn run_child<F: FnOnce() -> i32>(body: F) -> ! {
    let code = catch_unwind(AssertUnwindSafe(body)).unwrap_or(101);
    exit_now(code)
}

/// Leaves the process at once with `code`: no destructors, no stdio flush, no
/// `atexit` handlers (they belong to the parent's state, copied by fork).
pub fn exit_now(code: i32) -> ! {
    // SAFETY: _exit is async-signal-safe and takes any int.
    unsafe { nix::libc::_exit(code) }
}

/// Writes `line` and a newline to standard output with a single `write(2)`:
/// no lock, no buffer, so it is safe in a forked child, and lines written by
/// several processes at once do not interleave inside a line.
pub fn child_println(line: &str) {
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        match nix::unistd::write(std::io::stdout(), rest) {
            Ok(n) => rest = &rest[n..],
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => return, // nowhere to report it from a child
        }
    }
}
