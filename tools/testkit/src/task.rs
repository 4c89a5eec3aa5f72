//! The kernel's view of a thread of this process, through
//! `/proc/self/task/<tid>`: asleep or runnable, how often it slept, how much
//! CPU it used, and which system call it is waiting in.
//!
//! "Is this thread already waiting inside `join_timeout`?" or "is it blocked
//! in `acquire()`?" cannot be answered from inside the program without
//! changing the code under test, but the kernel knows. A test that acts only
//! once the kernel says so gets the same schedule on an idle laptop and on a
//! loaded 2-core CI machine: the answer is a fact, not a timing guess.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::proc::Task;

/// What the kernel says about a thread at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Sleeping in the kernel (state `S` or `D`): blocked, not runnable.
    pub asleep: bool,
    /// How often it went to sleep so far; it climbs by one per wakeup.
    pub sleeps: u64,
    /// User and system CPU time so far (the scheduler's nanosecond count).
    pub cpu: Duration,
}

/// The kernel's id of the calling thread, from the `/proc/thread-self` link
/// (`<pid>/task/<tid>`).
pub fn current_tid() -> u32 {
    let link = fs::read_link("/proc/thread-self").expect("/proc/thread-self is not readable");
    link.file_name()
        .and_then(|tid| tid.to_str())
        .and_then(|tid| tid.parse().ok())
        .unwrap_or_else(|| panic!("/proc/thread-self points at {link:?}, not at a task"))
}

/// The kernel's view of thread `tid` of this process, or `None` if it has
/// ended.
pub fn sample(tid: u32) -> Option<Sample> {
    sample_task(&Task::thread(tid))
}

/// CPU time used so far by the calling thread. Waiting in `join`, `recv` or
/// `Condvar::wait` costs none; a busy-wait costs all the time it waits.
pub fn thread_cpu_time() -> Duration {
    let t = nix::time::clock_gettime(nix::time::ClockId::CLOCK_THREAD_CPUTIME_ID)
        .expect("clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::from(t)
}

/// The ids of this process's threads now.
pub fn thread_ids() -> BTreeSet<u32> {
    crate::proc::thread_ids()
        .expect("/proc/self/task must be readable to look at this process's threads")
        .into_iter()
        .collect()
}

/// The CPU time each of the threads `ids` of this process has used so far
/// (a thread that has ended is left out).
pub fn cpu_times(ids: &BTreeSet<u32>) -> BTreeMap<u32, Duration> {
    ids.iter()
        .filter_map(|&id| Some((id, Task::thread(id).cpu()?)))
        .collect()
}

/// The number of the system call that thread `tid` is blocked in right now,
/// or `None` if it is running, has ended, or the kernel will not say.
pub fn blocked_in_syscall(tid: u32) -> Option<i64> {
    let number = Task::thread(tid).syscall()?;
    let asleep = sample(tid)?.asleep;
    (asleep && number >= 0).then_some(number)
}

/// Waits until thread `tid` of this process is asleep in a system call that
/// waits for time, for a child, for a signal or for a descriptor (sleep,
/// poll, waitid, read, rt_sigtimedwait, accept, …; see
/// [`crate::syscalls::is_waiting`]), and returns that call's number. Gives
/// up after `deadline` with `Err` saying what the thread was doing
/// meanwhile: it never slept in such a call, or it ended; or, on a machine
/// whose kernel does not show which call a thread is in, that the test
/// cannot judge.
///
/// Run the code under test on its own thread, learn that thread's id with
/// [`current_tid`], then call this before you change what it waits for: the
/// code has then certainly made its first check and gone to sleep.
pub fn until_waiting(tid: u32, deadline: Duration) -> Result<i64, String> {
    until_waiting_in(&Task::thread(tid), deadline).map(|(number, _)| number)
}

/// [`until_waiting`] for thread `tid` of process `pid` (a forked child's
/// thread: `tid == pid` for its main thread).
pub fn until_child_waiting(pid: u32, tid: u32, deadline: Duration) -> Result<i64, String> {
    until_waiting_in(&Task::thread_of(pid, tid), deadline).map(|(number, _)| number)
}

/// [`until_waiting`] for any task; also returns the sample that saw it
/// asleep (its count of sleeps identifies that one sleep).
pub(crate) fn until_waiting_in(task: &Task, deadline: Duration) -> Result<(i64, Sample), String> {
    if crate::syscalls::table().is_none() {
        return Err(crate::syscalls::unsupported());
    }
    let give_up_at = Instant::now() + deadline;
    loop {
        let before = sample_task(task);
        match task.syscall_file() {
            Ok(text) => {
                let number = parse_syscall(&text);
                let after = sample_task(task);
                if let (Some(number), Some(before), Some(after)) = (number, before, after)
                    && before.asleep
                    && after.asleep
                    && before.sleeps == after.sleeps
                    && crate::syscalls::is_waiting(number)
                {
                    return Ok((number, after));
                }
            }
            // Unreadable while the thread still exists: the machine hides it.
            Err(error) if before.is_some() && !ended(task) => {
                return Err(cannot_tell(&task.file("syscall"), &error));
            }
            Err(_) => {}
        }
        let Some(now) = sample_task(task).filter(|_| !ended(task)) else {
            return Err("the thread ended before it ever waited".to_string());
        };
        if Instant::now() >= give_up_at {
            return Err(format!(
                "the thread never went to sleep waiting within {deadline:?} \
                 (it used {:?} of CPU time meanwhile)",
                now.cpu
            ));
        }
        std::thread::sleep(Duration::from_micros(500)); // sampling /proc, not synchronising
    }
}

/// Whether `task` has ended: gone, or a zombie that nobody reaped yet.
pub(crate) fn ended(task: &Task) -> bool {
    task.stat()
        .is_none_or(|stat| matches!(stat.state, 'Z' | 'X'))
}

/// The kernel's view of any task, or `None` if it has ended.
pub(crate) fn sample_task(task: &Task) -> Option<Sample> {
    let stat = task.stat()?;
    Some(Sample {
        asleep: stat.asleep(),
        sleeps: task.status()?.voluntary_switches,
        cpu: task.cpu()?,
    })
}

/// The call number at the start of a `syscall` file's text ("running", or
/// "<nr> <args…> <sp> <pc>"); `None` if running, `Some(-1)` if asleep
/// outside a system call.
fn parse_syscall(text: &str) -> Option<i64> {
    text.split_whitespace().next()?.parse().ok()
}

/// What a test says when `path`, a task's `syscall` file, cannot be read.
fn cannot_tell(path: &Path, error: &std::io::Error) -> String {
    format!(
        "this machine cannot tell what a thread waits in ({} cannot be read: {error}; the \
         kernel needs CONFIG_HAVE_ARCH_TRACEHOOK, and a sandbox such as gVisor or a strict \
         ptrace policy may hide it); the test cannot judge. Run the tests on an ordinary \
         Linux kernel",
        path.display()
    )
}

/// `Ok` if the `syscall` file at `path` can be read, else the message that
/// says the test cannot judge here.
pub fn check_syscall_file(path: &Path) -> Result<(), String> {
    fs::read_to_string(path)
        .map(drop)
        .map_err(|error| cannot_tell(path, &error))
}

/// What a sleeping thread waits for, from the system call the kernel says
/// it sleeps in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SleepingIn {
    /// `futex`: a `Mutex`, a `Condvar`, a channel, `park` or `join`. Only
    /// another thread of this process (or the wait's own timeout) ends it.
    Futex,
    /// `nanosleep` or `clock_nanosleep`: `thread::sleep`. It ends by itself
    /// when the time is up, whatever the other threads do: a thread that
    /// sleeps there while it waits for something polls.
    Timer,
    /// Another system call (a read, a poll, a wait for a child), by number.
    Other(i64),
}

/// Which kind of sleep system call `number` is.
fn kind_of(number: i64) -> SleepingIn {
    use crate::syscalls::Kind;
    match crate::syscalls::by_number(number).map(|c| c.kind) {
        Some(Kind::Futex) => SleepingIn::Futex,
        Some(Kind::Timer) => SleepingIn::Timer,
        _ => SleepingIn::Other(number),
    }
}

/// One sleep of thread `tid`, seen whole: the kernel was asked which system
/// call the thread is in between two samples that both show it asleep with
/// the same count of sleeps (it was not woken between them), so the answer
/// is about that one sleep, not a guess. `None` if the thread was running or
/// woke up meanwhile, sleeps outside a system call (a page fault), or has
/// ended.
pub fn sleeping_in(tid: u32) -> Option<(Sample, SleepingIn)> {
    require_syscall_reports();
    let before = sample(tid)?;
    if !before.asleep {
        return None;
    }
    let number = Task::thread(tid).syscall();
    let after = sample(tid)?;
    let same_sleep = after.asleep && after.sleeps == before.sleeps;
    let number = number.filter(|&n| n >= 0 && same_sleep)?;
    Some((after, kind_of(number)))
}

/// Panics with an explanation if this machine does not show which system
/// call a thread is in (`/proc/<pid>/task/<tid>/syscall`, present on every
/// mainstream Linux) or its architecture is not one whose call numbers
/// [`crate::syscalls`] knows: the tests that watch threads cannot tell a
/// blocked thread from a polling one without both.
fn require_syscall_reports() {
    static SHOWN: OnceLock<Result<(), String>> = OnceLock::new();
    let shown = SHOWN.get_or_init(|| {
        if crate::syscalls::table().is_none() {
            return Err(crate::syscalls::unsupported());
        }
        check_syscall_file(Path::new("/proc/thread-self/syscall"))
    });
    if let Err(why) = shown {
        panic!("{why}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_syscall_file_means_the_test_cannot_judge() {
        let why = check_syscall_file(Path::new("/proc/self/task/0/no-such-syscall"))
            .expect_err("a missing file cannot be read");
        assert!(
            why.starts_with("this machine cannot tell what a thread waits in (")
                && why.contains("no-such-syscall")
                && why.contains("the test cannot judge"),
            "{why}"
        );
        assert_eq!(
            check_syscall_file(Path::new("/proc/thread-self/syscall")),
            Ok(())
        );
    }

    #[test]
    fn a_thread_in_rt_sigtimedwait_is_waiting() {
        use nix::sys::signal::{SigSet, Signal};
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let mut set = SigSet::empty();
            set.add(Signal::SIGUSR1);
            set.thread_block().unwrap();
            tx.send(current_tid()).unwrap();
            // Waits until the test sends SIGUSR1 to this very thread.
            set.wait().unwrap()
        });
        let tid = rx.recv().unwrap();
        let number = until_waiting(tid, crate::DEADLINE).expect("a thread in sigwait waits");
        assert_eq!(crate::syscalls::name_of(number), "rt_sigtimedwait");
        let pid = std::process::id() as i32;
        // SAFETY: tgkill sends a signal to thread `tid` of this process,
        // which blocks SIGUSR1 and waits for it in sigwait: nothing runs a
        // handler, the signal is only consumed by that wait.
        let sent = unsafe {
            nix::libc::syscall(nix::libc::SYS_tgkill, pid, tid as i32, nix::libc::SIGUSR1)
        };
        assert_eq!(sent, 0);
        assert_eq!(waiter.join().unwrap(), Signal::SIGUSR1);
    }
}
