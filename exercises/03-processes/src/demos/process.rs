//! A child process with the shape of Python's `multiprocessing.Process`.
//!
//! [`Process::start`] forks: the child runs a closure and leaves with
//! `_exit`, the parent gets a handle to `join`, poll, `terminate` or `kill`
//! it. [`ExitStatus`] tells a normal exit from a death by signal, where Python
//! folds both into one integer (`exitcode == -9` for SIGKILL).
//!
//! # What a forked child may do
//!
//! `fork` copies the whole address space but only the calling thread. Every
//! lock another thread held at that instant is copied *locked*, with nobody
//! left in the child to unlock it, and every one-time initialisation another
//! thread was running is copied half done. A test binary always has other
//! threads (the harness runs tests on threads), and so does any program with
//! a thread pool. So, in the child of a multithreaded parent, until it leaves:
//!
//! * **allowed**: async-signal-safe calls (`write`, `read`, `close`, `dup2`,
//!   `kill`, `getpid`, `_exit`, the full list is in `man 7 signal-safety`),
//!   plain computation on the child's own copy of memory, and memory
//!   allocation (`Vec`, `String`, `format!`), because glibc's `malloc` takes
//!   all its locks around `fork` and resets them in the child. That last one
//!   is a glibc promise, not a POSIX one: with another C library, do not
//!   allocate.
//! * **not allowed**: `println!`/`eprintln!` or anything that locks std's
//!   stdout or stderr, a `Mutex`/`RwLock` another thread may hold, the first
//!   use of a `OnceLock`, `LazyLock` or `static` that std initialises lazily
//!   (`std::io::stdout()` itself is one), `std::env`'s setters and getters
//!   (they take std's environment lock), starting threads.
//!
//! [`child_println`] prints with one `write(2)` and no lock; a panic is
//! reported on descriptor 2 with one `write(2)` too (see [`Process::start`]).
//! When the parent has a single thread, none of this applies; it is the
//! caller's promise either way, which is why `start` is an `unsafe fn`.

use std::fmt;
use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::panic::{self, AssertUnwindSafe, catch_unwind};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use nix::libc;
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
///
/// # What a child inherits
///
/// A copy of the parent's memory (taken at the `fork`, then private: writes
/// on either side are invisible to the other), the forking thread only,
/// every open file descriptor (close-on-exec ones too: a forked child does
/// not `exec`, so std's `O_CLOEXEC` protects nothing here), the signal
/// dispositions and the forking thread's signal mask, the current directory,
/// the environment, the resource limits. Not inherited: the other threads,
/// pending signals, timers, `fcntl` record locks.
///
/// The descriptors are the trap: a child that holds a copy of a pipe's write
/// end keeps the pipe open, so its reader never sees end-of-file. Use
/// [`start_keeping_fds`](Process::start_keeping_fds) to give the child only
/// the descriptors it needs.
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
    /// child. The parent gets the handle. The child inherits every descriptor
    /// of the parent (see [`Process`]).
    ///
    /// # Values moved into `body`
    ///
    /// After the fork each captured value exists twice. The child only calls
    /// `body` (through `&mut`, hence `FnMut`) and leaves with `_exit`: it
    /// never drops `body`, so no destructor of a captured value runs there.
    /// The parent drops `body` when `start` returns, which closes the
    /// parent's copies of descriptors moved in. Each destructor runs once, in
    /// the parent: a `BufWriter` moved in is not flushed a second time by the
    /// child, a temporary directory is not deleted by the child. A child that
    /// wants a value to be dropped on its side takes it out of an `Option`
    /// and drops it itself.
    ///
    /// # A panic in the child
    ///
    /// It is caught and becomes exit code 101. Its message goes to
    /// descriptor 2 in one `write(2)`, straight to the file or terminal, past
    /// `cargo test`'s output capture (which only collects what the test's
    /// own thread prints with `print!`/`eprint!` and lives in the child's
    /// copy of memory, lost at `_exit`). The first `start` installs a panic
    /// hook for this; in the parent it hands every panic to the hook that was
    /// there before. If a later `panic::set_hook` replaces it, the child still
    /// writes the message after the panic, with the same single `write`.
    ///
    /// # Safety
    ///
    /// `body`, and everything it calls, must only do what a forked child of
    /// this process may do (see the [module documentation](self)): if the
    /// process has other threads, async-signal-safe calls, computation and
    /// allocation, but no std lock another thread may hold (stdout, stderr,
    /// a `Mutex`), no lazy initialisation, no `std::env`, no threads. A panic
    /// is allowed; it takes std's panic-hook lock for reading, so it hangs if
    /// another thread was inside `panic::set_hook` or `take_hook` at the
    /// instant of the fork. With a single-threaded parent, any code is fine.
    // ANCHOR: start
    pub unsafe fn start<F: FnMut() -> i32>(body: F) -> io::Result<Process> {
        // SAFETY: what the child runs besides `body` (see `run_child`) is
        // async-signal-safe; `body` is the caller's promise.
        unsafe { fork_child(None, false, body) }
    }
    // ANCHOR_END: start

    /// Like [`start`](Process::start), but the child first closes every
    /// descriptor except 0, 1, 2 and those in `keep` (the ones `body` uses),
    /// with `close_range(2)`. So a child does not hold on to pipes that
    /// belong to other children: with two groups of children alive, the
    /// second group's children hold no copy of the first group's write ends,
    /// and the first group still sees end-of-file when the parent closes
    /// them.
    ///
    /// Where `close_range` is missing (Linux before 5.9) or refused by a
    /// seccomp filter (`EPERM`), the child closes the descriptors one by one.
    /// If they cannot be closed at all, the child exits with code 127 before
    /// running `body`.
    ///
    /// # Safety
    ///
    /// As for [`start`](Process::start).
    // ANCHOR: start_keeping_fds
    pub unsafe fn start_keeping_fds<F: FnMut() -> i32>(
        keep: &[RawFd],
        body: F,
    ) -> io::Result<Process> {
        let mut keep = keep.to_vec(); // sorted here: the child only reads it
        keep.sort_unstable();
        keep.dedup();
        // SAFETY: as in `start`; closing descriptors is async-signal-safe.
        unsafe { fork_child(Some(&keep), false, body) }
    }
    // ANCHOR_END: start_keeping_fds

    /// Like [`start`](Process::start), but the child dies with its parent,
    /// whatever way the parent goes: a normal exit, a panic, or a SIGKILL
    /// that gave it no chance to clean up. Dropping the handle kills and
    /// reaps the child too, like Python's `daemon = True` at a normal exit.
    ///
    /// Linux ties `PR_SET_PDEATHSIG` to the *thread* that forked, not to the
    /// process. Two consequences: the child is killed when that thread ends,
    /// even if the process lives on; and if that thread ends between the
    /// `fork` and the child's `prctl`, no signal ever comes and the child
    /// cannot tell (its `getppid` still names the live process). Start
    /// daemons from a thread that outlives them, usually the main thread.
    ///
    /// # Safety
    ///
    /// As for [`start`](Process::start).
    // ANCHOR: start_daemon
    pub unsafe fn start_daemon<F: FnMut() -> i32>(body: F) -> io::Result<Process> {
        // SAFETY: as in `start`; prctl, getppid, getpid and kill are
        // async-signal-safe system calls.
        unsafe { fork_child(None, true, body) }
    }
    // ANCHOR_END: start_daemon

    /// The child's process id.
    pub fn pid(&self) -> i32 {
        self.pid.as_raw()
    }

    /// A pidfd (`pidfd_open(2)`, Linux 5.3): a descriptor that names this
    /// child itself, not a number that could be reused, and that `poll`
    /// reports readable once the child has ended. Fails with `ESRCH` once
    /// the child has been reaped (its pid may be someone else's by then),
    /// and with `ENOSYS` on older kernels.
    pub fn pidfd(&self) -> io::Result<OwnedFd> {
        if self.status.is_some() {
            return Err(io::Error::from_raw_os_error(libc::ESRCH));
        }
        // SAFETY: a system call on two integers; our child is unreaped, so
        // the pid still names it.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, self.pid.as_raw(), 0) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: the kernel just gave us this descriptor; nobody else owns it.
        Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
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

/// Forks; the child runs `run_child`, the parent gets the handle.
///
/// # Safety
///
/// `body` keeps to the rules of [`Process::start`].
// ANCHOR: fork_child
unsafe fn fork_child<F: FnMut() -> i32>(
    keep_fds: Option<&[RawFd]>,
    daemon: bool,
    body: F,
) -> io::Result<Process> {
    install_child_panic_report(); // in the parent, before the fork
    let parent = getpid();
    // SAFETY: the child runs `run_child` and never returns from here, so it
    // never runs the caller's code, whose other threads do not exist in the
    // child; `run_child` itself only makes async-signal-safe calls besides
    // `body`, which the caller vouches for.
    match unsafe { fork() }? {
        ForkResult::Parent { child } => Ok(Process {
            pid: child,
            status: None,
            daemon,
        }), // `body` is dropped here, in the parent only
        ForkResult::Child => run_child(body, keep_fds, daemon.then_some(parent)),
    }
}
// ANCHOR_END: fork_child

/// Set in a forked child, right after the fork (the child's own copy).
static IN_FORKED_CHILD: AtomicBool = AtomicBool::new(false);
/// Set in a child once its panic has been reported on descriptor 2.
static PANIC_REPORTED: AtomicBool = AtomicBool::new(false);
static HOOK_INSTALLED: Once = Once::new();

/// The child's side: become a daemon if asked, close what is not ours, run
/// the body, report a panic, `_exit`. `body` is never dropped here.
fn run_child<F: FnMut() -> i32>(
    mut body: F,
    keep_fds: Option<&[RawFd]>,
    daemon_of: Option<Pid>,
) -> ! {
    IN_FORKED_CHILD.store(true, Ordering::Relaxed);
    // ANCHOR: daemon_child
    if let Some(parent) = daemon_of {
        // Ask the kernel for SIGKILL when the parent (thread) goes away.
        if nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).is_err() {
            exit_now(127);
        }
        // The parent may have died between fork and prctl: then we were
        // already handed to another parent and no signal will come.
        if getppid() != parent {
            let _ = signal::kill(getpid(), Signal::SIGKILL);
        }
    }
    // ANCHOR_END: daemon_child
    if let Some(keep) = keep_fds
        && close_fds_except(keep).is_err()
    {
        exit_now(127);
    }
    let code = match catch_unwind(AssertUnwindSafe(&mut body)) {
        Ok(code) => code,
        Err(payload) => {
            if !PANIC_REPORTED.load(Ordering::Relaxed) {
                // Someone replaced our hook: report the message ourselves.
                let message = panic_text(payload.as_ref());
                report_child_panic(None, message);
            }
            101
        }
    };
    exit_now(code) // `body` is never dropped: its values belong to the parent
}

/// Installs, once, a panic hook that reports a forked child's panic with one
/// `write(2)` on descriptor 2 and hands any other panic to the previous hook.
fn install_child_panic_report() {
    HOOK_INSTALLED.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if IN_FORKED_CHILD.load(Ordering::Relaxed) {
                report_child_panic(info.location(), panic_text(info.payload()));
            } else {
                previous(info);
            }
        }));
    });
}

/// The text of a panic payload: `panic!("literal")` gives a `&str`,
/// `panic!("{x}")` a `String`; anything else reads as `Box<dyn Any>`, as in
/// std's own report. It borrows rather than allocates, so a forked child's
/// panic hook may call it.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "Box<dyn Any>"
    }
}

/// Formats "process <pid> panicked at <where>:\n<message>\n" into a buffer
/// on the stack (cut at 1 KiB) and writes it with one `write(2)`.
fn report_child_panic(location: Option<&panic::Location<'_>>, message: &str) {
    let mut line = StackLine::<1024>::new();
    // SAFETY: getpid is async-signal-safe, takes nothing and cannot fail.
    let pid = unsafe { libc::getpid() };
    let _ = match location {
        Some(at) => fmt::Write::write_fmt(
            &mut line,
            format_args!("process {pid} panicked at {at}:\n{message}\n"),
        ),
        None => fmt::Write::write_fmt(
            &mut line,
            format_args!("process {pid} panicked:\n{message}\n"),
        ),
    };
    write_all_raw(2, line.bytes());
    PANIC_REPORTED.store(true, Ordering::Relaxed);
}

/// A fixed buffer that `write!` can fill; what does not fit is cut off.
struct StackLine<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> StackLine<N> {
    fn new() -> Self {
        StackLine {
            buf: [0; N],
            len: 0,
        }
    }

    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl<const N: usize> fmt::Write for StackLine<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let n = s.len().min(N - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// Writes all of `bytes` to descriptor `fd` with `write(2)`, retrying after
/// a signal or a short write; gives up silently on any other error (there
/// is nowhere to report it from a child).
fn write_all_raw(fd: RawFd, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: `bytes` is valid for reading `bytes.len()` bytes; `fd` is
        // only a number to the kernel, which answers EBADF if it is closed.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n > 0 {
            bytes = &bytes[n as usize..];
        } else if n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
            continue;
        } else {
            return;
        }
    }
}

/// Closes every descriptor from 3 up, except those in `keep` (sorted).
fn close_fds_except(keep: &[RawFd]) -> io::Result<()> {
    let mut lowest: RawFd = 3;
    for &fd in keep {
        if fd < lowest {
            continue; // 0, 1, 2, or a duplicate
        }
        if fd > lowest {
            close_range(lowest, fd - 1)?;
        }
        lowest = fd + 1;
    }
    close_range(lowest, RawFd::MAX)
}

// ANCHOR: close_range
/// `close_range(2)` (Linux 5.9); where the kernel does not have it
/// (`ENOSYS`) or a seccomp profile refuses it (`EPERM`: Docker's and
/// systemd's answer to a system call they do not know), one `close` per
/// descriptor instead. Any other error is returned.
fn close_range(first: RawFd, last: RawFd) -> io::Result<()> {
    // SAFETY: a system call on plain integers; closing descriptors the child
    // does not use cannot break memory safety (std types holding them in the
    // child's copy of memory are never used again: the child `_exit`s).
    let result = unsafe { libc::syscall(libc::SYS_close_range, first as u32, last as u32, 0u32) };
    if result == 0 {
        return Ok(());
    }
    let error = io::Error::last_os_error();
    match error.raw_os_error() {
        Some(libc::ENOSYS | libc::EPERM) => close_one_by_one(first, last),
        _ => Err(error),
    }
}

/// Closes descriptors `first..=last` one `close(2)` at a time, up to the
/// soft `RLIMIT_NOFILE` (new descriptors are always below it; one above it
/// exists only if the limit was lowered after it was opened).
fn close_one_by_one(first: RawFd, last: RawFd) -> io::Result<()> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid, writable rlimit.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // Linux caps the limit at `/proc/sys/fs/nr_open` (proc(5); a million by
    // default), so the loop stays short even for a large soft limit.
    let end = RawFd::try_from(limit.rlim_cur)
        .unwrap_or(RawFd::MAX)
        .min(last);
    for fd in first..=end {
        // SAFETY: as in `close_range`; EBADF for a descriptor that was not
        // open is the expected answer, not an error.
        unsafe { libc::close(fd) };
    }
    Ok(())
}
// ANCHOR_END: close_range

/// Leaves the process at once with `code`: no destructors, no stdio flush, no
/// `atexit` handlers (they belong to the parent's state, copied by fork).
pub fn exit_now(code: i32) -> ! {
    // SAFETY: _exit is async-signal-safe and takes any int.
    unsafe { libc::_exit(code) }
}

/// The longest line [`child_println`] writes with a single `write(2)`:
/// `PIPE_BUF` (4096 on Linux) bytes, newline included.
pub const CHILD_LINE_MAX: usize = 4096;

// ANCHOR: child_println
/// Writes `line` and a newline to descriptor 1 with one `write(2)`: no lock,
/// no allocation (the line is copied into a 4 KiB buffer on the stack), no
/// use of std's `stdout()`, so it is allowed in a forked child.
///
/// What "one write" buys: to a pipe, a write of at most `PIPE_BUF` bytes is
/// atomic (POSIX), so lines of up to [`CHILD_LINE_MAX`] bytes from several
/// processes never mix. To a terminal or a file they come out whole in
/// practice, but nothing promises it. A longer line goes out in several
/// writes and may be cut by another process's line.
pub fn child_println(line: &str) {
    let text = line.as_bytes();
    if text.len() < CHILD_LINE_MAX {
        let mut buf = [0u8; CHILD_LINE_MAX];
        buf[..text.len()].copy_from_slice(text);
        buf[text.len()] = b'\n';
        write_all_raw(1, &buf[..=text.len()]);
    } else {
        write_all_raw(1, text);
        write_all_raw(1, b"\n");
    }
}
// ANCHOR_END: child_println
