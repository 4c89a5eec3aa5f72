//! A handled signal during every blocking wait: the adversary that checks a
//! program retries a call that a signal interrupted.
//!
//! When a signal that has a handler arrives while a thread sleeps in a
//! blocking system call (`read`, `waitpid`, `poll`, `accept`, ...), and the
//! handler was installed without `SA_RESTART`, the call returns early and
//! fails with `EINTR` (`io::ErrorKind::Interrupted`). Nothing went wrong:
//! correct code calls again. Code that returns the error instead fails the
//! first time a terminal is resized, a profiler samples, or a debugger
//! attaches. These tools make that happen on purpose, several times, exactly
//! while the code under test waits:
//!
//! * [`install_noop_handler`] gives a signal ([`SIGNAL`], SIGUSR2) a handler
//!   that does nothing, without `SA_RESTART`; it is async-signal-safe, so a
//!   forked child may call it (a child forked after it was called in the
//!   parent has it already: handlers survive `fork`, not `exec`);
//! * [`interrupt_each_wait`] waits (through `/proc`) until the target thread
//!   sleeps in a waiting call, sends it the signal with `tgkill`, waits until
//!   it sleeps again (it retried), and so on, `times` times, under a
//!   deadline;
//! * [`interrupted`] runs a closure on a watched thread of this process,
//!   interrupts its waits, then lets it finish and gives back its result.
//!
//! ```no_run
//! use std::io::Read;
//! # fn read_fully(_: &mut std::fs::File) -> std::io::Result<Vec<u8>> { Ok(vec![]) }
//! let (reader, writer) = std::io::pipe().unwrap();
//! # let mut reader: std::fs::File = std::os::fd::OwnedFd::from(reader).into();
//! let got = testkit::signals::interrupted(3, move || read_fully(&mut reader), move || {
//!     drop(writer); // the end of the input: read_fully may return now
//! });
//! let answer = got.unwrap_or_else(|why| panic!("clause 2 (retries after EINTR): {why}"));
//! ```

use std::fmt::Debug;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use nix::libc;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};

use crate::proc::Task;
use crate::syscalls::name_of;
use crate::task::{ended, sample_task, until_waiting_in};

/// The signal the tools send: SIGUSR2, which nothing in the tests or the
/// standard library uses.
pub const SIGNAL: Signal = Signal::SIGUSR2;

/// A thread to interrupt: thread `tid` of process `pid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub pid: u32,
    pub tid: u32,
}

impl Target {
    /// Thread `tid` of this process (from [`crate::task::current_tid`] or
    /// [`crate::watch::Watched::tid`]).
    pub fn thread(tid: u32) -> Target {
        Target {
            pid: std::process::id(),
            tid,
        }
    }

    /// Thread `tid` of child process `pid`; `tid == pid` for the child's
    /// main thread (the only one after `fork`).
    pub fn child(pid: u32, tid: u32) -> Target {
        Target { pid, tid }
    }

    fn task(&self) -> Task {
        if self.pid == std::process::id() {
            Task::thread(self.tid)
        } else {
            Task::thread_of(self.pid, self.tid)
        }
    }
}

/// What [`interrupt_each_wait`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interrupted {
    /// How many signals it delivered (as many as asked).
    pub times: u32,
    /// The calls the thread waited in: before each signal, and the last one
    /// after the last signal (so `times + 1` names).
    pub calls: Vec<String>,
}

extern "C" fn do_nothing(_: libc::c_int) {}

/// Gives `signal` a handler that does nothing, without `SA_RESTART`: from
/// now on, a thread of this process that is sleeping in a blocking call when
/// `signal` arrives sees the call fail with `EINTR`. Only `sigaction`, which
/// is async-signal-safe: a forked child may call it. Replaces whatever
/// handler `signal` had.
pub fn install_noop_handler(signal: Signal) -> nix::Result<()> {
    let action = SigAction::new(
        SigHandler::Handler(do_nothing),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: the handler does nothing at all, so it is async-signal-safe
    // and touches no state the interrupted code could be using
    // (signal-safety(7)); `sigaction` itself is async-signal-safe. The old
    // action is dropped: the tools own SIGUSR2 in a test process.
    unsafe { sigaction(signal, &action) }.map(drop)
}

/// Installs the handler for [`SIGNAL`] in this process, once.
fn handler_installed() -> Result<(), String> {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            install_noop_handler(SIGNAL)
                .map_err(|e| format!("testkit could not install a handler for {SIGNAL}: {e}"))
        })
        .clone()
}

/// Sends [`SIGNAL`] to thread `target` and to no other thread.
fn send(target: Target) -> Result<(), String> {
    // SAFETY: tgkill(2) takes two ids and a signal number and only sends
    // the signal; ids that name no thread make it fail with ESRCH, which is
    // reported below. No memory is passed to the kernel.
    let sent = unsafe {
        libc::syscall(
            libc::SYS_tgkill,
            target.pid as libc::pid_t,
            target.tid as libc::pid_t,
            SIGNAL as libc::c_int,
        )
    };
    if sent == 0 {
        Ok(())
    } else {
        Err(format!(
            "could not send {SIGNAL} to thread {} of process {}: {}",
            target.tid,
            target.pid,
            std::io::Error::last_os_error()
        ))
    }
}

/// Waits until thread `target` sleeps in a waiting call (a read, a poll, a
/// wait for a child or a signal, an accept, a sleep: see
/// [`crate::syscalls::is_waiting`]), sends it [`SIGNAL`], and repeats,
/// `times` times; then waits until it sleeps in a waiting call once more,
/// which proves that it called again after the last signal. Everything
/// within `deadline`.
///
/// If `target` is a thread of this process, the do-nothing handler is
/// installed first; a child must have it already ([`install_noop_handler`]
/// before it blocks, or inherited from a parent that called it before the
/// fork).
///
/// `Err` says, in words for a student, what went wrong: the thread stopped
/// waiting after signal k (it returned the error, most likely), it never
/// waited, it did not wake up, or this machine cannot tell.
pub fn interrupt_each_wait(
    target: Target,
    times: u32,
    deadline: Duration,
) -> Result<Interrupted, String> {
    if target.pid == std::process::id() {
        handler_installed()?;
    }
    let give_up_at = Instant::now() + deadline;
    let task = target.task();
    let left = || give_up_at.saturating_duration_since(Instant::now());
    let mut calls = Vec::new();
    for signal in 1..=times + 1 {
        let waited = until_waiting_in(&task, left()).map_err(|why| {
            if signal == 1 {
                format!("before the first signal: {why}")
            } else {
                let what = if ended(&task) {
                    "it stopped waiting and the thread ended".to_string()
                } else {
                    why
                };
                format!(
                    "after {SIGNAL} number {} of {times} interrupted its wait in {} (a \
                     handled signal: the call failed with EINTR, \
                     io::ErrorKind::Interrupted), the thread did not wait again: {what}. \
                     A signal is no reason to stop waiting: when a blocking call fails \
                     with EINTR, call it again",
                    signal - 1,
                    calls.last().map_or("?", String::as_str)
                )
            }
        })?;
        let (number, asleep) = waited;
        calls.push(name_of(number));
        if signal > times {
            break;
        }
        send(target)?;
        // Wait until the signal has woken it: it ran (its count of sleeps
        // changed, or it is runnable), or it ended.
        loop {
            match sample_task(&task) {
                Some(now) if now.asleep && now.sleeps == asleep.sleeps => {}
                _ => break,
            }
            if Instant::now() >= give_up_at {
                return Err(format!(
                    "{SIGNAL} number {signal} of {times} did not wake the thread from {} \
                     within {deadline:?}: does it block {SIGNAL} (a signal mask), or sleep \
                     where signals cannot reach it?",
                    name_of(number)
                ));
            }
            std::thread::sleep(Duration::from_micros(200)); // sampling /proc
        }
    }
    Ok(Interrupted { times, calls })
}

/// Runs `work` on a watched thread of this process, sends it [`SIGNAL`]
/// during each of its next `times` waits ([`interrupt_each_wait`]), then
/// calls `release` (which gives `work` what it waits for: writes the input,
/// closes the pipe, ends the child) and returns what `work` returned, all
/// within [`crate::DEADLINE`] per step.
///
/// `Err` says what went wrong: `work` returned early after a signal (with
/// its result, which is usually the `EINTR` error it should have retried),
/// panicked, never waited, or did not finish after `release`.
pub fn interrupted<T, F, R>(times: u32, work: F, release: R) -> Result<T, String>
where
    T: Debug + Send + 'static,
    F: FnOnce() -> T + Send + 'static,
    R: FnOnce(),
{
    handler_installed()?;
    let thread = crate::watch::spawn_watched("interrupted", work);
    let outcome = interrupt_each_wait(Target::thread(thread.tid()), times, crate::DEADLINE);
    release();
    let result = thread.join_within(crate::DEADLINE);
    match (outcome, result) {
        (Ok(_), Some(Ok(value))) => Ok(value),
        (_, Some(Err(panic))) => Err(format!("it panicked: {panic}")),
        (Err(why), Some(Ok(value))) => Err(format!("{why}; it returned {value:?}")),
        (Err(why), None) => Err(why),
        (Ok(done), None) => Err(format!(
            "it waited again after {} signals, but did not return within {:?} once what it \
             waited for was there",
            done.times,
            crate::DEADLINE
        )),
    }
}
