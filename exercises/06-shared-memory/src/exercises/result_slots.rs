//! Exercise: results in slots.
//!
//! A child process cannot return a value to its parent: its exit code is one
//! byte, and its memory is its own. It can write the value into a slot of a
//! shared array that the parent mapped before forking. One slot per child
//! means no two processes ever write the same place, and the parent reads the
//! slots after joining the children, when every store is done.
//!
//! Run the tests with `cargo test -p shared-memory --test result_slots`.

#![allow(unused_variables)]

use std::io;

// ANCHOR: signature
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
    // ANCHOR_END: signature
{
    // TODO: map the slots, start one child per slot with
    // processes::demos::process::Process::start, join them all, read the slots.
    todo!(
        "map a SharedSlice<AtomicU64> of n slots, start n children that each store work(i) \
         in slot i, join them all, then read the slots"
    )
}
