//! WRONG: only a non-zero exit code counts as failure; a child killed by a signal passes
//! EXPECT: the child for slot 1 was killed by SIGKILL
//! CLAUSE: 5
//!
//! The student matches `ExitStatus::Exited(code) if code != 0` as the
//! failure case. A child killed by a signal (SIGKILL from the OOM killer,
//! SIGSEGV, an abort) is `Signaled` and slips through: its slot reads 0,
//! returned as if it were `work(i)`. The doc comment: "If a child does not
//! exit with status 0", its slot holds no result.

#![allow(unused_variables, unused_imports)]

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};

use processes::demos::process::{ExitStatus, Process};

use crate::demos::region::SharedSlice;

/// Runs `work(i)` for every `i` in `0..n`, each call in a child process of
/// its own, and returns the results in the order of `i`.
///
/// * All `n` children are started before any is joined: they run at the same
///   time.
/// * Child `i` stores `work(i)` in slot `i` of a shared array of
///   `AtomicU64` (a [`SharedSlice`](crate::demos::region::SharedSlice) mapped
///   before the first fork), and exits with 0.
/// * The parent joins every child, then reads the slots.
/// * If a child does not exit with status 0 (for example `work` panicked), the
///   function still joins every child, then returns an error whose message
///   names that child's slot, as `slot {i}`: its slot holds no result.
///
/// # Safety
///
/// `work` runs in forked children: it must keep to the rules of
/// [`Process::start`](processes::demos::process::Process::start).
pub unsafe fn compute_in_children<F>(n: usize, work: F) -> io::Result<Vec<u64>>
where
    F: Fn(usize) -> u64,
{
    let slots = SharedSlice::<AtomicU64>::new(n)?;
    let mut children = Vec::with_capacity(n);
    for i in 0..n {
        // SAFETY: besides `work` (the caller's promise), the child stores one
        // value into shared memory and leaves with _exit.
        let child = unsafe {
            Process::start(|| {
                slots[i].store(work(i), Ordering::Relaxed);
                0
            })
        };
        match child {
            Ok(child) => children.push(child),
            Err(e) => {
                for child in &mut children {
                    let _ = child.join();
                }
                return Err(e);
            }
        }
    }
    let mut failed = None;
    for (i, child) in children.iter_mut().enumerate() {
        let status = child.join()?;
        if let ExitStatus::Exited(code) = status {
            if code != 0 && failed.is_none() {
                failed = Some((i, code));
            }
        }
    }
    if let Some((i, code)) = failed {
        return Err(io::Error::other(format!(
            "the child for slot {i} exited with code {code}"
        )));
    }
    Ok(slots
        .iter()
        .map(|slot| slot.load(Ordering::Relaxed))
        .collect())
}
