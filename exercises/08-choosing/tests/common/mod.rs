//! Helpers shared by the exercise tests of chapter 8 (`mod common;` in each
//! test file; this folder is not a test of its own).
//!
//! Finding the threads that the code under test started, **by thread id**.
//! A thread's name says nothing: a worker spawned with
//! `thread::Builder::new().name(...)` has a name of its own, and one spawned
//! without a name inherits its spawner's. What the kernel does say is which
//! threads exist (`/proc/self/task`): the threads that appear after a
//! [`Census`] was taken were started since. Two rules make "since" mean "by
//! the code under test":
//!
//! * a test that takes a census runs alone ([`one_at_a_time`]), so no other
//!   test starts threads meanwhile; the others may run side by side
//!   ([`alongside_others`]);
//! * the test harness's own threads (one per test, started whenever the
//!   harness likes) make themselves known in [`one_at_a_time`] and
//!   [`alongside_others`] and are left
//!   out. One that has just been started and not yet made itself known is
//!   counted for a moment; the checks below only ever wait longer because
//!   of it, they never conclude anything wrong from it.

#![allow(dead_code)] // each test file uses some of these

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::thread;
use std::time::Duration;
use testkit::task::{SleepingIn, current_tid, sleeping_in, thread_ids};

/// The test harness's threads: each test's own thread, made known when the
/// test starts.
static HARNESS: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());
/// Held for writing by a test that takes a census, for reading by the
/// others.
static CENSUS_TAKERS: RwLock<()> = RwLock::new(());

/// The gap between two looks that show no thread was woken: long enough to
/// rule out a wait that ends at once (a lock held for a moment).
const LOOK_AGAIN: Duration = Duration::from_millis(20);

/// Makes the calling test's thread known as the harness's.
fn make_known() {
    HARNESS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(current_tid());
}

/// For a test that takes a [`Census`]: makes the calling test's thread known
/// as the harness's, then waits until no other test of this binary runs.
/// Hold the guard for the whole test.
pub fn one_at_a_time() -> RwLockWriteGuard<'static, ()> {
    make_known();
    // A test that failed poisons the lock; the next one runs all the same.
    CENSUS_TAKERS
        .write()
        .unwrap_or_else(PoisonError::into_inner)
}

/// For a test that takes no census: makes the calling test's thread known,
/// then waits until no census taker runs. Hold the guard for the whole test.
pub fn alongside_others() -> RwLockReadGuard<'static, ()> {
    make_known();
    CENSUS_TAKERS.read().unwrap_or_else(PoisonError::into_inner)
}

/// The threads of this process at one moment.
pub struct Census {
    before: BTreeSet<u32>,
}

impl Census {
    /// Takes the census now.
    pub fn now() -> Census {
        Census {
            before: thread_ids(),
        }
    }

    /// The ids of the threads alive now that did not exist at the census and
    /// are not the harness's.
    pub fn newcomers(&self) -> BTreeSet<u32> {
        let harness = HARNESS.lock().unwrap_or_else(PoisonError::into_inner);
        thread_ids()
            .into_iter()
            .filter(|tid| !self.before.contains(tid) && !harness.contains(tid))
            .collect()
    }

    /// The newcomers other than `tid` (the thread that called the code
    /// under test, say): the threads it started that are still alive.
    pub fn newcomers_besides(&self, tid: u32) -> BTreeSet<u32> {
        let mut newcomers = self.newcomers();
        newcomers.remove(&tid);
        newcomers
    }

    /// Whether every newcomer sleeps in a wait that a timer does not end
    /// (`futex`, a read, a poll, `accept`: never `thread::sleep`) and none
    /// is woken, started or ended between two looks [`LOOK_AGAIN`] apart: at
    /// one moment all of them slept at once, so nothing was in transit
    /// between them. `false` if there is no newcomer.
    pub fn all_asleep(&self) -> bool {
        let look = || -> Option<Vec<(u32, u64)>> {
            self.newcomers()
                .into_iter()
                .map(|tid| match sleeping_in(tid)? {
                    (_, SleepingIn::Timer) => None,
                    (seen, _) => Some((tid, seen.sleeps)),
                })
                .collect()
        };
        let Some(before) = look().filter(|group| !group.is_empty()) else {
            return false;
        };
        thread::sleep(LOOK_AGAIN);
        look() == Some(before)
    }
}
