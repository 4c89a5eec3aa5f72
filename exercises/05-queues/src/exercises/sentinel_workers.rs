//! Exercise: worker processes stopped with sentinels, the way the source
//! tutorial stops its consumer, but with several workers.
//!
//! A sentinel (`None`) stops the one worker that takes it. With `workers`
//! workers, the parent must send `workers` sentinels, after the jobs: the
//! queue is FIFO, so every job is taken before any sentinel.
#![allow(unused_variables, unused_imports)]

use std::io;

use processes::demos::process::Process;

use crate::demos::queue::queue;

// ANCHOR: starter
/// Squares every number of `numbers` in `workers` worker processes.
///
/// The parent sends each number as `Some(n)` on a job queue of `Option<u64>`,
/// then one `None` per worker. Each worker takes jobs until it takes a
/// `None`, and sends the square of each number on a results queue. The parent
/// collects `numbers.len()` squares, joins every worker, and returns the
/// squares sorted. A worker that fails (exit code other than 0, or killed by
/// a signal) makes it return an error, after every worker has been joined;
/// it must not wait for ever for the results of a worker that died.
pub fn square_with_workers(numbers: &[u64], workers: usize) -> io::Result<Vec<u64>> {
    // TODO: two queues from `crate::demos::queue`, the worker processes, the
    // jobs and sentinels, and the results, in an order in which nobody waits
    // for ever (a pipe holds 64 KiB; a dead worker sends nothing more).
    todo!("start the workers, send the jobs and one sentinel per worker, collect the squares")
}
// ANCHOR_END: starter
