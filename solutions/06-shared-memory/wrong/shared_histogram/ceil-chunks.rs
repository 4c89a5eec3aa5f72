//! WRONG: chunks of ceil(len / workers) bytes, so the last chunks are short or empty
//! EXPECT: their lengths must differ by at most one
//! CLAUSE: 6
//!
//! The student cuts `data` the way `chunks(ceil(len / workers))` does: every
//! byte is counted exactly once and the totals are right. But the chunk
//! lengths can differ by more than one (10 bytes for 4 workers: 3, 3, 3, 1;
//! 9 bytes for 6 workers: 2, 2, 2, 2, 1, 0), against the doc comment's
//! "contiguous chunks whose lengths differ by at most one", and the work is
//! not balanced.

#![allow(unused_variables, unused_imports)]

use std::io;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use processes::demos::process::Process;

use crate::demos::region::SharedSlice;

/// Chunk `w`: chunks of ceil(len / workers) bytes, the last ones shorter.
fn chunk(len: usize, workers: usize, w: usize) -> Range<usize> {
    let size = len.div_ceil(workers);
    let start = (w * size).min(len);
    start..(start + size).min(len)
}

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
{
    if workers == 0 {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "no workers"));
    }
    let counts = SharedSlice::<AtomicU64>::new(buckets)?;
    let mut children = Vec::with_capacity(workers);
    for w in 0..workers {
        let range = chunk(data.len(), workers, w);

        let part = &data[range];
        // SAFETY: besides `bucket_of` (the caller's promise), the child counts
        // into a local Vec (malloc survives fork) and adds to shared atomics.
        let started = unsafe {
            Process::start(|| {
                let mut local = vec![0u64; buckets];
                for &byte in part {
                    local[bucket_of(byte)] += 1;
                }
                for (bucket, &count) in local.iter().enumerate() {
                    if count > 0 {
                        counts[bucket].fetch_add(count, Ordering::Relaxed);
                    }
                }
                0
            })
        };
        match started {
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
    for (w, child) in children.iter_mut().enumerate() {
        let status = child.join()?;
        if !status.success() && failed.is_none() {
            failed = Some((w, status));
        }
    }
    if let Some((w, status)) = failed {
        return Err(io::Error::other(format!("worker {w} {status}")));
    }
    Ok(counts.iter().map(|c| c.load(Ordering::Relaxed)).collect())
}
