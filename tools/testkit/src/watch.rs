//! Threads a test spawns and watches from outside, through the kernel's
//! view of them ([`crate::task`]): asleep or not, woken or not, how much CPU
//! they burnt.
//!
//! Why watch threads at all: "is this thread waiting in `acquire()`?" cannot
//! be answered from inside the program without changing the code under test,
//! but the kernel knows. A thread blocked on a `Condvar`, a `Mutex`, a
//! channel or a `join` sleeps (state `S`) in the `futex` system call and is
//! not woken until somebody notifies; a thread that polls with
//! `thread::sleep` sleeps in `nanosleep` (or `clock_nanosleep`), however long
//! its period, and wakes up by itself; a thread that spins stays runnable and
//! burns CPU time; a thread that polls with a short timeout is woken again
//! and again (its count of voluntary context switches climbs). Each of those
//! is a fact read from `/proc`, not a timing guess, so a test built on them
//! gives the same answer on an idle laptop and on a loaded 2-core CI machine.
//!
//! "Not woken" is seen the same way: two looks at the thread, a short
//! while apart ([`LOOK_AGAIN`]), both see it asleep in the same system call
//! with the same count of sleeps, so it slept the whole time between them.
//!
//! A watched thread's panics are quiet ([`crate::panics`]): the test reports
//! them itself, in words that name the mistake.

use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::proc::Task;
use crate::task::{Sample, SleepingIn, current_tid, sample, sleeping_in};

/// The gap between the two looks that show a thread was not woken. What a
/// thread waits for is the kernel's answer (`futex` or `nanosleep`), not this
/// gap; the gap only rules out a wait that is over at once, such as a lock
/// held for a moment by a thread outside the ones watched (the allocator's,
/// or the C library's while it spawns a thread).
pub(crate) const LOOK_AGAIN: Duration = Duration::from_millis(20);
/// How often a waiting test looks at `/proc` (sampling, not synchronising).
const SAMPLE_EVERY: Duration = Duration::from_millis(2);
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
    /// Asleep in a wait that only another thread ends (`futex`: a Condvar,
    /// a Mutex, a channel, a join) or in a read or poll, and not woken
    /// between two looks: blocked, as a waiter should be.
    Blocked(Sample),
    /// The thread's function returned (or panicked): it did not wait at all.
    Returned,
    /// It kept running and burnt this much CPU: a busy-wait.
    Spinning(Duration),
    /// It polls: the kernel saw it asleep in `thread::sleep` (`nanosleep`),
    /// which is a sleep loop whatever its period, or it kept waking up (this
    /// many times so far, maybe 0 with a long period) while nothing changed.
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
    /// The kernel's id of the thread: for [`crate::signals::Target::thread`]
    /// or [`crate::threads::Census`].
    pub fn tid(&self) -> u32 {
        self.tid
    }

    /// The kernel's view of the thread now, or `None` once it has ended.
    pub fn sample(&self) -> Option<Sample> {
        sample(self.tid)
    }

    /// Whether the thread's function has returned (or panicked).
    pub fn finished(&self) -> bool {
        self.handle.is_finished()
    }

    /// Waits until the thread is blocked: asleep in a wait that a timer does
    /// not end, and not woken between two looks [`LOOK_AGAIN`] apart.
    /// Reports a busy-wait, a `sleep` loop (at its first sleep, however long)
    /// or an early return instead.
    pub fn until_blocked(&self) -> Waiting {
        let started = Instant::now();
        let Some(first) = self.sample() else {
            return Waiting::Returned;
        };
        // The thread's last sleep in a wait, and when it was first seen.
        let mut waiting: Option<(Instant, Sample)> = None;
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
            waiting = match sleeping_in(self.tid) {
                Some((_, SleepingIn::Timer)) => return Waiting::Polling(wakeups),
                Some((seen, _)) => match waiting {
                    Some((since, then)) if then.sleeps == seen.sleeps => {
                        if since.elapsed() >= LOOK_AGAIN {
                            return Waiting::Blocked(seen);
                        }
                        Some((since, then))
                    }
                    _ => Some((Instant::now(), seen)),
                },
                None => None,
            };
            if started.elapsed() >= FALL_ASLEEP {
                return Waiting::NeverSlept(burnt);
            }
            thread::sleep(SAMPLE_EVERY); // sampling /proc, not synchronising
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

/// What [`join_all_or_stuck`] says when one of its threads polls.
const POLLS: &str = "busy-wait: a thread the test waits for polls: the kernel saw it asleep in \
                     thread::sleep (nanosleep), not in a wait that another thread ends. A sleep \
                     loop notices a change up to a whole period late and wakes up for nothing \
                     meanwhile, however long its period: wait on a Condvar that is notified when \
                     the state changes (or block on the Mutex itself) instead";

/// Joins every thread. The threads wait only for one another, never for
/// time: one that the kernel sees asleep in `thread::sleep` polls, and the
/// test fails at once with a message that says so.
///
/// If, before they all end, every thread still running sleeps in `futex` (a
/// lock, a Condvar, a channel, a join) and two looks [`LOOK_AGAIN`] apart
/// see the same sleeps, then at one moment all of them slept at once, each
/// waiting for another thread: none of them is left to wake the others (only
/// a thread outside the group, or a wait's own timeout, could). That is a
/// deadlock (or a lost wakeup), and the answer is `Err(how many are stuck)`,
/// unless one of the threads that ended had panicked: then the answer is
/// those panics alone (as `Ok([Err(message)])`), since the others may only
/// wait for it. A panic comes back as its message.
pub fn join_all_or_stuck<T>(threads: Vec<Watched<T>>) -> Result<Vec<Result<T, String>>, usize> {
    // The first look at a group all asleep, and when it was taken.
    let mut still_since: Option<(Instant, Vec<Option<u64>>)> = None;
    loop {
        if threads.iter().all(Watched::finished) {
            return Ok(threads
                .into_iter()
                .map(|t| t.handle.join().map_err(|p| crate::panics::message(&*p)))
                .collect());
        }
        // What the kernel says of each thread: ended, or asleep and how.
        // Every thread is looked at, so that one in `thread::sleep` is seen
        // even while another one runs.
        let seen: Vec<Option<Option<(Sample, SleepingIn)>>> = threads
            .iter()
            .map(|t| (!t.finished()).then(|| sleeping_in(t.tid)))
            .collect();
        if seen
            .iter()
            .any(|s| matches!(s, Some(Some((_, SleepingIn::Timer)))))
        {
            panic!("{POLLS}");
        }
        // Each thread's count of sleeps if it sleeps in a futex, `None` if
        // it has ended; `None` for the whole look if one of them does not
        // sleep in a futex (it runs, say).
        let look: Option<Vec<Option<u64>>> = seen
            .into_iter()
            .map(|s| match s {
                None => Some(None),
                Some(Some((sample, SleepingIn::Futex))) => Some(Some(sample.sleeps)),
                Some(_) => None,
            })
            .collect();
        still_since = match (still_since, look) {
            (Some((since, then)), Some(now)) if then == now => {
                if since.elapsed() >= LOOK_AGAIN {
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
            (_, Some(now)) => Some((Instant::now(), now)),
            (_, None) => None,
        };
        thread::sleep(SAMPLE_EVERY); // sampling /proc, not synchronising
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

/// The count of sleeps of thread `tid` if it sleeps in a wait that a timer
/// does not end (`futex`, a read, a poll), `None` otherwise.
pub(crate) fn waiting_sleeps(tid: u32) -> Option<u64> {
    match sleeping_in(tid)? {
        (_, SleepingIn::Timer) => None,
        (seen, _) => Some(seen.sleeps),
    }
}

/// Whether every thread called `name` sleeps in a wait that a timer does not
/// end (`futex`, a read, a poll: never `thread::sleep`) and none of them is
/// woken between two looks [`LOOK_AGAIN`] apart: at one moment all of them
/// slept at once, so the group (a watched thread and the unnamed ones it
/// started) waits for something outside itself. `false` if there is no such
/// thread.
pub fn all_asleep_named(name: &str) -> bool {
    let look = || -> Option<Vec<(u32, u64)>> {
        let mut group: Vec<u32> = named(name);
        group.sort_unstable();
        group
            .into_iter()
            .map(|tid| Some((tid, waiting_sleeps(tid)?)))
            .collect()
    };
    let Some(before) = look().filter(|group| !group.is_empty()) else {
        return false;
    };
    thread::sleep(LOOK_AGAIN);
    look() == Some(before)
}

impl<T> Watched<T> {
    /// Whether the thread sleeps in a wait that a timer does not end (in
    /// `join`, say; never in `thread::sleep`) and is not woken once between
    /// two looks [`LOOK_AGAIN`] apart.
    pub fn stays_asleep(&self) -> bool {
        let Some(before) = waiting_sleeps(self.tid) else {
            return false;
        };
        thread::sleep(LOOK_AGAIN);
        waiting_sleeps(self.tid) == Some(before) && !self.finished()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Condvar, Mutex};

    /// A flag and the Condvar that says it changed: what a waiter in the
    /// exercises sleeps on.
    type Flag = Arc<(Mutex<bool>, Condvar)>;

    fn raise(flag: &Flag) {
        *flag.0.lock().unwrap() = true;
        flag.1.notify_all();
    }

    #[test]
    fn a_condvar_waiter_is_blocked_and_a_long_sleep_loop_polls() {
        let flag: Flag = Arc::default();
        let waiter = {
            let flag = Arc::clone(&flag);
            spawn_watched("condvar waiter", move || {
                let (lock, changed) = &*flag;
                let mut raised = lock.lock().unwrap();
                while !*raised {
                    raised = changed.wait(raised).unwrap();
                }
            })
        };
        let poller = {
            let flag = Arc::clone(&flag);
            spawn_watched("sleep poller", move || {
                while !*flag.0.lock().unwrap() {
                    thread::sleep(Duration::from_millis(250));
                }
            })
        };
        let blocked = waiter.until_blocked();
        let polled = poller.until_blocked();
        raise(&flag);
        assert!(
            matches!(blocked, Waiting::Blocked(_)),
            "a thread in Condvar::wait should be Blocked, not {blocked:?}"
        );
        assert!(
            matches!(polled, Waiting::Polling(_)),
            "a thread in a 250 ms sleep loop should be Polling, not {polled:?}"
        );
        for thread in [waiter, poller] {
            assert!(matches!(thread.join_within(crate::DEADLINE), Some(Ok(()))));
        }
    }

    #[test]
    fn threads_waiting_for_each_other_are_stuck_and_a_sleeper_is_not() {
        // Two threads, each waiting for a flag only the test raises: the
        // test is inside join_all_or_stuck, so nobody is left to raise them.
        let flag: Flag = Arc::default();
        let waiters: Vec<Watched<()>> = (0..2)
            .map(|_| {
                let flag = Arc::clone(&flag);
                spawn_watched("stuck waiter", move || {
                    let (lock, changed) = &*flag;
                    let guard = lock.lock().unwrap();
                    drop(changed.wait_while(guard, |raised| !*raised).unwrap());
                })
            })
            .collect();
        assert!(matches!(join_all_or_stuck(waiters), Err(2)));
        raise(&flag);
        let sleeper = spawn_watched("short sleeper", || thread::sleep(Duration::from_millis(50)));
        assert!(
            !sleeper.stays_asleep(),
            "a thread in thread::sleep is not blocked"
        );
        assert!(matches!(sleeper.join_within(crate::DEADLINE), Some(Ok(()))));
    }
}
