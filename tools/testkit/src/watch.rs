//! Threads a test spawns and watches from outside, through the kernel's
//! view of them ([`crate::task`]): asleep or not, woken or not, how much CPU
//! they burnt.
//!
//! Why watch threads at all: "is this thread waiting in `acquire()`?" cannot
//! be answered from inside the program without changing the code under test,
//! but the kernel knows. A thread blocked on a `Condvar` sleeps (state `S`)
//! and is not woken until somebody notifies; a thread that spins stays
//! runnable and burns CPU time; a thread that polls with `sleep` is woken
//! again and again (its count of voluntary context switches climbs). Each of
//! those is a fact, not a timing guess, so a test built on them gives the
//! same answer on an idle laptop and on a loaded 2-core CI machine.
//!
//! A watched thread's panics are quiet ([`crate::panics`]): the test reports
//! them itself, in words that name the mistake.

use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::proc::Task;
use crate::task::{Sample, current_tid, sample};

/// How long a thread must stay asleep, with no wakeup, to count as blocked.
/// Longer than any polling period a student would pick for a `sleep` loop.
const SETTLE: Duration = Duration::from_millis(100);
/// CPU time that a waiting thread may not use: a blocked waiter uses
/// microseconds; a spinning one reaches this within a fraction of a second
/// even when it gets only a small share of a core.
const SPIN_CPU: Duration = Duration::from_millis(100);
/// Wakeups that a waiting thread may not have while nothing changed.
const POLL_WAKEUPS: u64 = 20;
/// How long a thread may take to fall asleep before the test gives up. Only a
/// thread that neither sleeps nor burns CPU (a machine starved for minutes)
/// gets here; every wrong solution is reported long before.
const FALL_ASLEEP: Duration = Duration::from_secs(8);

/// What happened while a test waited for a thread to block.
#[derive(Debug, Clone)]
pub enum Waiting {
    /// Asleep, and not woken for a while: blocked, as a waiter should be.
    Blocked(Sample),
    /// The thread's function returned (or panicked): it did not wait at all.
    Returned,
    /// It kept running and burnt this much CPU: a busy-wait.
    Spinning(Duration),
    /// It slept but kept waking up (this many times): a `sleep` loop.
    Polling(u64),
    /// It never stayed asleep within the time allowed.
    NeverSlept(Duration),
}

/// A thread spawned by a test and watched through `/proc`. Its panics are
/// quiet; [`Watched::join_within`] gives back their messages.
pub struct Watched<T> {
    tid: u32,
    handle: JoinHandle<T>,
}

/// Spawns `f` on a thread named `name` that the test can watch.
pub fn spawn_watched<T, F>(name: &str, f: F) -> Watched<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tid_tx, tid_rx) = mpsc::channel();
    let handle = thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            crate::panics::quiet_this_thread();
            let _ = tid_tx.send(current_tid());
            f()
        })
        .expect("the test could not spawn a thread");
    let tid = tid_rx
        .recv_timeout(crate::DEADLINE)
        .expect("a thread spawned by the test never started");
    Watched { tid, handle }
}

impl<T> Watched<T> {
    /// The kernel's view of the thread now, or `None` once it has ended.
    pub fn sample(&self) -> Option<Sample> {
        sample(self.tid)
    }

    /// Whether the thread's function has returned (or panicked).
    pub fn finished(&self) -> bool {
        self.handle.is_finished()
    }

    /// Waits until the thread is blocked: asleep, and not woken for a while.
    /// Reports a busy-wait, a `sleep` loop or an early return instead.
    pub fn until_blocked(&self) -> Waiting {
        let started = Instant::now();
        let Some(first) = self.sample() else {
            return Waiting::Returned;
        };
        let mut asleep_since: Option<(Instant, Sample)> = None;
        loop {
            if self.finished() {
                return Waiting::Returned;
            }
            let Some(now) = self.sample() else {
                return Waiting::Returned;
            };
            let burnt = now.cpu.saturating_sub(first.cpu);
            if burnt >= SPIN_CPU {
                return Waiting::Spinning(burnt);
            }
            let wakeups = now.sleeps.saturating_sub(first.sleeps);
            if wakeups > POLL_WAKEUPS {
                return Waiting::Polling(wakeups);
            }
            asleep_since = match asleep_since {
                Some((since, then)) if now.asleep && now.sleeps == then.sleeps => {
                    if since.elapsed() >= SETTLE {
                        return Waiting::Blocked(now);
                    }
                    Some((since, then))
                }
                _ if now.asleep => Some((Instant::now(), now)),
                _ => None,
            };
            if started.elapsed() >= FALL_ASLEEP {
                return Waiting::NeverSlept(burnt);
            }
            thread::sleep(Duration::from_millis(2)); // sampling /proc, not synchronising
        }
    }

    /// Whether the thread was woken (or ended) since it was seen `blocked`.
    /// Called right after a notify returned, this is exact: waking a
    /// sleeper makes it runnable before the notifying call returns.
    pub fn woken_since(&self, blocked: Sample) -> bool {
        match self.sample() {
            Some(now) => !now.asleep || now.sleeps != blocked.sleeps || self.finished(),
            None => true,
        }
    }

    /// Joins the thread, waiting at most `deadline`; a panic comes back as
    /// its message, a thread still running after the deadline as `None`.
    pub fn join_within(self, deadline: Duration) -> Option<Result<T, String>> {
        let give_up_at = Instant::now() + deadline;
        while !self.handle.is_finished() {
            if Instant::now() >= give_up_at {
                return None;
            }
            thread::sleep(Duration::from_millis(1)); // polling a join, not synchronising
        }
        Some(
            self.handle
                .join()
                .map_err(|payload| crate::panics::message(&*payload)),
        )
    }
}

/// Runs `f` on a watched thread. It calls only functions that must never
/// wait, so it must end: if it goes to sleep (or spins) instead, the test
/// fails with `complaint`. A panic inside `f` fails the test with its own
/// message.
pub fn without_blocking<T, F>(complaint: &str, f: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let thread = spawn_watched("must not block", f);
    match thread.until_blocked() {
        Waiting::Returned => {}
        Waiting::Blocked(_) => panic!("{complaint}"),
        other => panic!("{complaint} ({other:?})"),
    }
    match thread.join_within(crate::DEADLINE) {
        Some(Ok(value)) => value,
        Some(Err(message)) => panic!("{message}"),
        None => unreachable!("the thread had returned already"),
    }
}

/// Joins every thread. If, before they all end, every thread still running
/// is asleep and none of them is woken for a while, nobody is left to wake
/// them: that is a deadlock (or a lost wakeup), and the answer is
/// `Err(how many are stuck)`, unless one of the threads that ended had
/// panicked: then the answer is those panics alone (as `Ok([Err(message)])`),
/// since the others may only wait for it. A panic comes back as its message.
pub fn join_all_or_stuck<T>(threads: Vec<Watched<T>>) -> Result<Vec<Result<T, String>>, usize> {
    let mut still_since: Option<(Instant, Vec<Option<Sample>>)> = None;
    loop {
        if threads.iter().all(Watched::finished) {
            return Ok(threads
                .into_iter()
                .map(|t| t.handle.join().map_err(|p| crate::panics::message(&*p)))
                .collect());
        }
        let now: Vec<Option<Sample>> = threads
            .iter()
            .map(|t| if t.finished() { None } else { t.sample() })
            .collect();
        let all_asleep = now.iter().flatten().all(|s| s.asleep);
        still_since = match still_since {
            Some((since, then)) if all_asleep && then == now => {
                if since.elapsed() >= SETTLE {
                    // A thread that panicked may be why the others wait
                    // (at a rendezvous, say): its message comes first.
                    let stuck = now.iter().flatten().count();
                    let panics: Vec<Result<T, String>> = threads
                        .into_iter()
                        .filter(Watched::finished)
                        .filter_map(|t| t.handle.join().err())
                        .map(|p| Err(crate::panics::message(&*p)))
                        .collect();
                    return if panics.is_empty() {
                        Err(stuck)
                    } else {
                        Ok(panics)
                    };
                }
                Some((since, then))
            }
            _ if all_asleep => Some((Instant::now(), now)),
            _ => None,
        };
        thread::sleep(Duration::from_millis(2)); // sampling /proc, not synchronising
    }
}

/// How many threads of this process are called `name` right now. A thread
/// spawned without a name inherits the kernel name (at most 15 bytes) of the
/// thread that spawned it, so this counts a watched thread and the unnamed
/// threads it started: give it a name no other test uses.
pub fn threads_named(name: &str) -> usize {
    named(name).len()
}

/// The ids of this process's threads whose kernel name is `name` (cut to
/// the kernel's 15 bytes).
fn named(name: &str) -> Vec<u32> {
    let comm = &name.as_bytes()[..name.len().min(15)];
    crate::proc::thread_ids()
        .expect("/proc/self/task is not readable")
        .into_iter()
        .filter(|&tid| Task::thread(tid).name().is_some_and(|n| n == comm))
        .collect()
}

/// Whether every thread called `name` is asleep and none of them is woken
/// for a while: a group of threads (a watched thread and the unnamed ones it
/// started) that waits for something outside itself. `false` if there is no
/// such thread.
pub fn all_asleep_named(name: &str) -> bool {
    let snapshot = || -> Vec<(u32, Option<Sample>)> {
        let mut group: Vec<(u32, Option<Sample>)> = named(name)
            .into_iter()
            .map(|tid| (tid, sample(tid)))
            .collect();
        group.sort_by_key(|(tid, _)| *tid);
        group
    };
    let before = snapshot();
    if before.is_empty() || !before.iter().all(|(_, s)| s.is_some_and(|s| s.asleep)) {
        return false;
    }
    thread::sleep(SETTLE);
    snapshot() == before
}

impl<T> Watched<T> {
    /// Whether the thread is asleep now and stays asleep, not woken once,
    /// for a while (it is blocked, for instance in `join`).
    pub fn stays_asleep(&self) -> bool {
        let Some(before) = self.sample() else {
            return false;
        };
        if !before.asleep {
            return false;
        }
        thread::sleep(SETTLE);
        self.sample() == Some(before) && !self.finished()
    }
}
