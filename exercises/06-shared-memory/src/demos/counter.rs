//! One counter in shared memory, incremented by several processes at once:
//! exactly with `fetch_add`, and with lost updates when the increment is a
//! load followed by a store.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use processes::demos::process::Process;

use super::region::SharedValue;
use super::start_line::StartLine;

/// How a child adds one to the shared counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Increment {
    /// One indivisible read-modify-write: `fetch_add`.
    FetchAdd,
    /// Two atomic operations, a load and then a store: each is indivisible,
    /// the pair is not.
    LoadThenStore,
}

// ANCHOR: fetch_add
fn add_one(counter: &AtomicU64) {
    // Relaxed is enough: nothing else is published through the counter, and
    // the parent reads it only after joining every child.
    counter.fetch_add(1, Ordering::Relaxed);
}
// ANCHOR_END: fetch_add

// ANCHOR: load_then_store
fn add_one_in_two_steps(counter: &AtomicU64) {
    let seen = counter.load(Ordering::Relaxed);
    // Another process may store here, between our load and our store; its
    // increment is then overwritten by ours, and lost.
    counter.store(seen + 1, Ordering::Relaxed);
}
// ANCHOR_END: load_then_store

/// What a run of [`count_in_processes`] expected and got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub expected: u64,
    pub actual: u64,
}

impl Tally {
    /// How many increments were overwritten by another process's.
    pub fn lost(&self) -> u64 {
        self.expected.saturating_sub(self.actual)
    }
}

/// How long a child waits at the start line for its siblings before it
/// starts counting anyway. The count stays right either way; only the overlap,
/// and so the chance of a race, is smaller.
const START_DEADLINE: Duration = Duration::from_secs(5);

// ANCHOR: count_in_processes
/// Starts `processes` children that each add one to a shared counter
/// `increments` times, waits for all of them, and returns the final count.
pub fn count_in_processes(
    processes: u32,
    increments: u64,
    increment: Increment,
) -> io::Result<Tally> {
    // Both mappings exist before the first fork, so every child shares them.
    let counter = SharedValue::<AtomicU64>::new()?;
    let start = SharedValue::<StartLine>::new()?;
    let mut children = Vec::new();
    for _ in 0..processes {
        // SAFETY: the child only uses atomics in shared memory, reads the
        // clock and calls sched_yield: no lock, no allocation.
        let child = unsafe {
            Process::start(|| {
                let _ = start.wait(processes, START_DEADLINE);
                for _ in 0..increments {
                    match increment {
                        Increment::FetchAdd => add_one(&counter),
                        Increment::LoadThenStore => add_one_in_two_steps(&counter),
                    }
                }
                0
            })
        };
        match child {
            Ok(child) => children.push(child),
            Err(e) => {
                join_all(&mut children)?;
                return Err(e);
            }
        }
    }
    join_all(&mut children)?;
    // Every child has exited and been reaped: all their stores are done.
    Ok(Tally {
        expected: u64::from(processes) * increments,
        actual: counter.load(Ordering::Relaxed),
    })
}
// ANCHOR_END: count_in_processes

/// Joins every child, and fails if one of them did not exit with status 0.
pub fn join_all(children: &mut [Process]) -> io::Result<()> {
    let mut failure = None;
    for child in children.iter_mut() {
        // Join them all even after a failure: no child is left a zombie.
        let problem = match child.join() {
            Ok(status) if status.success() => continue,
            Ok(status) => io::Error::other(format!("child {} {status}", child.pid())),
            Err(e) => e,
        };
        failure.get_or_insert(problem);
    }
    failure.map_or(Ok(()), Err)
}
