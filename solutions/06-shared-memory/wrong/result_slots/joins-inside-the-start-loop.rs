//! WRONG: joins each child right after starting it
//! EXPECT: start every child before joining the first one
//! CLAUSE: 4
//!
//! Every result is right, but the children run one after the other: n
//! processes for the speed of one.

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
    let mut failure = None;
    for i in 0..n {
        // SAFETY: the child stores into an atomic and runs `work`, which
        // our caller promised keeps to the rules of a forked child.
        let mut child = unsafe {
            Process::start(|| {
                slots[i].store(work(i), Ordering::Relaxed);
                0
            })
        }?;
        let status = child.join()?;
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
