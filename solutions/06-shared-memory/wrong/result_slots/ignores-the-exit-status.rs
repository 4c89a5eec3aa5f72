//! WRONG: joins every child but never looks at how it ended
//! EXPECT: should return an error, not Ok
//! CLAUSE: 5
//!
//! A child that died before storing leaves a 0 in its slot, and 0 looks
//! like a result.

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
        // SAFETY: the child stores into an atomic and runs `work`, which
        // our caller promised keeps to the rules of a forked child.
        let started = unsafe {
            Process::start(|| {
                // Slot i is this child's alone: no other process writes it.
                slots[i].store(work(i), Ordering::Relaxed);
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
    for child in &mut children {
        child.join()?;
    }
    // waitpid returned for every child: their stores are visible here.
    Ok(slots
        .iter()
        .map(|slot| slot.load(Ordering::Relaxed))
        .collect())
}
