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
    let thread = Task::thread(tid);
    let stat = thread.stat()?;
    Some(Sample {
        asleep: stat.asleep(),
        sleeps: thread.status()?.voluntary_switches,
        cpu: thread.cpu()?,
    })
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

/// The system calls in which a thread waits for time to pass, for a child to
/// end or for a descriptor to become ready. Lock waits (`futex`) are not
/// among them: a thread may block on a lock before it reaches the call a test
/// is interested in (in the allocator, in a one-time initialisation).
fn waiting_calls() -> &'static [i64] {
    use nix::libc;
    &[
        libc::SYS_nanosleep,
        libc::SYS_clock_nanosleep,
        libc::SYS_ppoll,
        libc::SYS_pselect6,
        libc::SYS_epoll_pwait,
        libc::SYS_waitid,
        libc::SYS_wait4,
        libc::SYS_read,
        #[cfg(target_arch = "x86_64")]
        libc::SYS_poll,
        #[cfg(target_arch = "x86_64")]
        libc::SYS_select,
        #[cfg(target_arch = "x86_64")]
        libc::SYS_epoll_wait,
    ]
}

/// The number of the system call that thread `tid` is blocked in right now,
/// or `None` if it is running, has ended, or the kernel will not say.
pub fn blocked_in_syscall(tid: u32) -> Option<i64> {
    let number = Task::thread(tid).syscall()?;
    let asleep = sample(tid)?.asleep;
    (asleep && number >= 0).then_some(number)
}

/// Waits until thread `tid` is asleep in a system call that waits for time,
/// for a child or for a descriptor (sleep, poll, waitid, read, …), and
/// returns that call's number. Gives up after `deadline` with `Err` saying
/// what the thread was doing meanwhile: it never slept in such a call, or it
/// ended.
///
/// Run the code under test on its own thread, learn that thread's id with
/// [`current_tid`], then call this before you change what it waits for: the
/// code has then certainly made its first check and gone to sleep.
pub fn until_waiting(tid: u32, deadline: Duration) -> Result<i64, String> {
    let give_up_at = Instant::now() + deadline;
    loop {
        if let Some(number) = blocked_in_syscall(tid)
            && waiting_calls().contains(&number)
        {
            return Ok(number);
        }
        if sample(tid).is_none() {
            return Err("the thread ended before it ever waited".to_string());
        }
        if Instant::now() >= give_up_at {
            let cpu = sample(tid).map(|s| s.cpu).unwrap_or_default();
            return Err(format!(
                "the thread never went to sleep waiting within {deadline:?} \
                 (it used {cpu:?} of CPU time meanwhile)"
            ));
        }
        std::thread::sleep(Duration::from_micros(500)); // sampling /proc, not synchronising
    }
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
    use nix::libc;
    match number {
        libc::SYS_futex => SleepingIn::Futex,
        libc::SYS_nanosleep | libc::SYS_clock_nanosleep => SleepingIn::Timer,
        other => SleepingIn::Other(other),
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

/// Panics with an explanation if this kernel does not show which system
/// call a thread is in (`/proc/<pid>/task/<tid>/syscall`, present on every
/// mainstream Linux): the tests that watch threads cannot tell a blocked
/// thread from a polling one without it.
fn require_syscall_reports() {
    static SHOWN: OnceLock<bool> = OnceLock::new();
    let shown = *SHOWN.get_or_init(|| fs::read_to_string("/proc/thread-self/syscall").is_ok());
    assert!(
        shown,
        "this kernel does not show /proc/thread-self/syscall, which the tests read to tell a \
         thread blocked on a lock or Condvar (futex) from one that polls (nanosleep). Run the \
         tests on a Linux kernel built with it (every distribution kernel is)"
    );
}
