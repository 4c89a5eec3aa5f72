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
