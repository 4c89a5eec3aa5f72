//! A student's threads found by id, never by name.
//!
//! A thread's name is whatever the code under test chose: a worker spawned
//! with `Builder::name` does not carry its caller's name, and two tests may
//! pick the same one. Ids are the kernel's: a [`Snapshot`] records which
//! threads this process has (each by id and start time, so a reused id is a
//! new thread), and [`Snapshot::appeared`] later lists the threads that
//! started since and are still alive, with what the kernel says of each.
//!
//! Other tests of the same binary run on other threads at the same time, and
//! their threads would appear too: a [`Census`] is a snapshot taken while
//! holding a lock that every census of the binary takes, so the tests that
//! count threads run one at a time. As with [`crate::process_scope`], in a
//! test binary where one test takes a census, every test that starts
//! threads takes one, first thing (the threads of tests still waiting for
//! their census are left out of [`Census::appeared`]). Take
//! [`crate::process_scope`] first if a test takes both.
//!
//! ```no_run
//! let census = testkit::threads::census();
//! let caller = testkit::watch::spawn_watched("caller", || { /* student code */ });
//! // ... later: the caller and the workers it started, by id.
//! let workers = census.appeared().len() - 1;
//! let idle = census.quiet(); // all of them blocked, none woken for a while
//! ```

use std::collections::BTreeSet;
use std::sync::{Mutex, MutexGuard};

use crate::proc::Task;
use crate::task::{Sample, current_tid, sample_task};

/// A thread that started after a snapshot, as the kernel saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thread {
    pub tid: u32,
    /// `R` running, `S` asleep, `D` asleep uninterruptibly, ...
    pub state: char,
    /// Asleep or not, its count of sleeps, its CPU time.
    pub sample: Sample,
}

/// The threads this process had at one moment, each by (id, start time).
#[derive(Debug, Clone)]
pub struct Snapshot {
    seen: BTreeSet<(u32, u64)>,
}

/// This process's threads now, each by (id, start time in clock ticks).
fn alive() -> BTreeSet<(u32, u64)> {
    crate::proc::thread_ids()
        .expect("/proc/self/task must be readable to look at this process's threads")
        .into_iter()
        .filter_map(|tid| Some((tid, Task::thread(tid).stat()?.start_ticks)))
        .collect()
}

impl Snapshot {
    /// The threads alive now.
    pub fn now() -> Snapshot {
        Snapshot { seen: alive() }
    }

    /// The threads alive now that were not alive at the snapshot, in order
    /// of id, without the test threads waiting for a [`census`].
    pub fn appeared(&self) -> Vec<Thread> {
        let waiting = WAITING.lock().unwrap_or_else(|e| e.into_inner()).clone();
        alive()
            .difference(&self.seen)
            .filter(|(tid, _)| !waiting.contains(tid))
            .filter_map(|&(tid, _)| {
                let task = Task::thread(tid);
                Some(Thread {
                    tid,
                    state: task.stat()?.state,
                    sample: sample_task(&task)?,
                })
            })
            .collect()
    }

    /// The ids of [`Snapshot::appeared`].
    pub fn appeared_ids(&self) -> BTreeSet<u32> {
        self.appeared().iter().map(|t| t.tid).collect()
    }

    /// Whether every thread that appeared since the snapshot sleeps in a
    /// wait that a timer does not end (`futex`, a read, a poll: never
    /// `thread::sleep`) and none of them is woken, starts or ends between
    /// two looks a short while apart: at one moment all of them slept at
    /// once, waiting for something outside the group. `false` if no thread
    /// appeared. (What `all_asleep_named` did, by id.)
    pub fn quiet(&self) -> bool {
        let look = || -> Option<Vec<(u32, u64)>> {
            self.appeared()
                .into_iter()
                .map(|t| Some((t.tid, crate::watch::waiting_sleeps(t.tid)?)))
                .collect()
        };
        let Some(before) = look().filter(|group| !group.is_empty()) else {
            return false;
        };
        std::thread::sleep(crate::watch::LOOK_AGAIN);
        look() == Some(before)
    }
}

/// One census at a time per test binary.
static SERIAL: Mutex<()> = Mutex::new(());
/// The test threads waiting for [`SERIAL`]: started after the holder's
/// snapshot, and not the code under test.
static WAITING: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());

/// A [`Snapshot`] taken while holding the lock every census of the test
/// binary takes: while it lives, the threads that appear are this test's.
/// Derefs to its snapshot.
pub struct Census {
    snapshot: Snapshot,
    _serial: MutexGuard<'static, ()>,
}

/// Waits for the other tests' censuses to end, then takes a snapshot of the
/// threads alive now. See [`Census`].
pub fn census() -> Census {
    let me = current_tid();
    WAITING.lock().unwrap_or_else(|e| e.into_inner()).insert(me);
    let serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    WAITING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&me);
    Census {
        snapshot: Snapshot::now(),
        _serial: serial,
    }
}

impl std::ops::Deref for Census {
    type Target = Snapshot;
    fn deref(&self) -> &Snapshot {
        &self.snapshot
    }
}
