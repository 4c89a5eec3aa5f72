//! Exercise: a histogram counted by several processes into shared buckets.
//!
//! The input needs no sharing: a forked child gets a copy of the parent's
//! memory, `data` included, for free. Only the buckets, which every child
//! adds to, must live in a shared mapping, and they must be atomic counters,
//! because two children may add to the same bucket at the same moment.
//!
//! Run the tests with `cargo test -p shared-memory --test shared_histogram`.

#![allow(unused_variables)]

use std::io;

// ANCHOR: signature
/// Counts how many values of `data` fall in each of `buckets` buckets, with
/// `workers` child processes counting at the same time.
///
/// * `bucket_of(byte)` says which bucket a byte falls in; it is called once
///   per byte of `data`, in a child, never in the parent.
/// * `data` is split into `workers` contiguous chunks whose lengths differ by
///   at most one (some are empty when `data.len() < workers`); child `w`
///   counts chunk `w`. All the children are started before any is joined.
/// * The counts go into `buckets` shared `AtomicU64`s, mapped before the first
///   fork; the parent returns them after joining every child.
/// * `workers == 0` is an error of kind `InvalidInput`. A child that does not
///   exit with 0 (for example because `bucket_of` returned a bucket out of
///   range and the indexing panicked) makes the whole call an error, after
///   every child has been joined.
///
/// # Safety
///
/// `bucket_of` runs in forked children: it must keep to the rules of
/// [`Process::start`](processes::demos::process::Process::start).
pub unsafe fn histogram<F>(
    data: &[u8],
    buckets: usize,
    workers: usize,
    bucket_of: F,
) -> io::Result<Vec<u64>>
where
    F: Fn(u8) -> usize,
    // ANCHOR_END: signature
{
    // TODO: map the buckets, start one child per chunk, join them all, read
    // the buckets.
    todo!(
        "map a SharedSlice<AtomicU64> of `buckets` counters, start `workers` children that \
         each count their chunk of data into it with fetch_add, join them all, read the counts"
    )
}
