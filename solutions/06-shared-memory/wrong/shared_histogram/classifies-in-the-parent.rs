//! WRONG: calls `bucket_of` in the parent and leaves only the adding to the workers
//! EXPECT: bucket_of ran in the parent
//! CLAUSE: 3
//!
//! The counts are right, but the work that was worth spreading over
//! processes, classifying every byte, runs in one process.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};

use processes::demos::process::Process;

use crate::demos::region::SharedSlice;

/// Counts how many values of `data` fall in each of `buckets` buckets, with
/// `workers` child processes counting at the same time. See the exercise for
/// the full contract.
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
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a histogram needs at least one worker",
        ));
    }
    let counts = SharedSlice::<AtomicU64>::new(buckets)?;
    let mut children = Vec::with_capacity(workers);
    for w in 0..workers {
        let classified: Vec<usize> = chunk(data, w, workers)
            .iter()
            .map(|&byte| bucket_of(byte))
            .collect();
        // SAFETY: the child allocates (allowed: glibc's malloc survives
        // fork), adds to atomics, and runs `bucket_of`, which our caller
        // promised keeps to the rules of a forked child.
        let started = unsafe {
            Process::start(|| {
                // Count privately first, then publish: one atomic add per
                // bucket instead of one per byte, and no fight over a
                // popular bucket.
                let mut mine = vec![0u64; buckets];
                for &bucket in &classified {
                    mine[bucket] += 1;
                }
                for (shared, &n) in counts.iter().zip(&mine) {
                    if n > 0 {
                        shared.fetch_add(n, Ordering::Relaxed);
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
    let mut failure = None;
    for (w, child) in children.iter_mut().enumerate() {
        let status = match child.join() {
            Ok(status) => status,
            Err(e) => {
                failure.get_or_insert(e);
                continue;
            }
        };
        if !status.success() && failure.is_none() {
            failure = Some(io::Error::other(format!(
                "worker {w} (pid {}) {status}: the counts are incomplete",
                child.pid()
            )));
        }
    }
    match failure {
        Some(failure) => Err(failure),
        None => Ok(counts.iter().map(|c| c.load(Ordering::Relaxed)).collect()),
    }
}

/// Chunk `w` of `workers` nearly equal contiguous chunks of `data`: the first
/// `data.len() % workers` chunks have one element more.
fn chunk(data: &[u8], w: usize, workers: usize) -> &[u8] {
    let (base, extra) = (data.len() / workers, data.len() % workers);
    let start = w * base + w.min(extra);
    let len = base + usize::from(w < extra);
    &data[start..start + len]
}
