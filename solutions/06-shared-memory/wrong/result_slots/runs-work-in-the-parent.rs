//! WRONG: computes `work(i)` in the parent and forks a child only to store it
//! EXPECT: work ran in the parent
//! CLAUSE: 3
//!
//! The results are right and the slots are used, but the work, the part
//! worth a process of its own, runs one call after the other in the parent.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};

use processes::demos::process::Process;

use crate::demos::region::SharedSlice;

/// Runs `work(i)` for every `i` in `0..n`, each call in a child process of
/// its own, and returns the results in the order of `i`. See the exercise for
/// the full contract.
///
/// # Safety
///
/// `work` runs in forked children: it must keep to the rules of
/// [`Process::start`](processes::demos::process::Process::start).
pub unsafe fn compute_in_children<F>(n: usize, work: F) -> io::Result<Vec<u64>>
where
    F: Fn(usize) -> u64,
{
    // Mapped before the first fork: every child shares these pages.
    let slots = SharedSlice::<AtomicU64>::new(n)?;
    let mut children = Vec::with_capacity(n);
    for i in 0..n {
        let result = work(i);
        // SAFETY: the child only stores into an atomic.
        let started = unsafe {
            Process::start(|| {
                slots[i].store(result, Ordering::Relaxed);
                0
            })
        };
        match started {
            Ok(child) => children.push(child),
            Err(e) => {
                // Do not leave the children already started as zombies.
                for child in &mut children {
                    let _ = child.join();
                }
                return Err(e);
            }
        }
    }
    // Join them all before reading anything, and before returning an error.
    let mut failure = None;
    for (i, child) in children.iter_mut().enumerate() {
        let status = match child.join() {
            Ok(status) => status,
            Err(e) => {
                failure.get_or_insert(e);
                continue;
            }
        };
        if !status.success() && failure.is_none() {
            failure = Some(io::Error::other(format!(
                "the child for slot {i} (pid {}) {status}: its slot holds no result",
                child.pid()
            )));
        }
    }
    if let Some(failure) = failure {
        return Err(failure);
    }
    // waitpid returned for every child: their stores are visible here.
    Ok(slots
        .iter()
        .map(|slot| slot.load(Ordering::Relaxed))
        .collect())
}
