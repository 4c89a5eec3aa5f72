//! WRONG: the parent keeps its own results Sender, so a dead worker leaves it waiting for ever for a result
//! EXPECT: A dead worker sends no more results
//! CLAUSE: 4
//!
//! With workers that all live, exactly `numbers.len()` results come and the
//! parent never notices. When one dies, the results queue can never end: the
//! parent holds a Sender of it itself.

use std::io;

use processes::demos::process::Process;

use crate::demos::queue::queue;

// ANCHOR: square_with_workers
/// Squares every number in `workers` worker processes; stops them with
/// sentinels.
pub fn square_with_workers(numbers: &[u64], workers: usize) -> io::Result<Vec<u64>> {
    // ANCHOR: workers
    let (jobs, job_queue) = queue::<Option<u64>>()?;
    let (results, result_queue) = queue::<u64>()?;

    let mut children = Vec::with_capacity(workers);
    for _ in 0..workers {
        let (job_queue, results) = (job_queue.try_clone()?, results.try_clone()?);
        // SAFETY: the child sends or receives on the queue (read, write and fallocate
        // system calls on pipes and a file, plus encoding, which allocates:
        // allowed, glibc's malloc survives fork).
        children.push(unsafe {
            Process::start(move || {
                loop {
                    match job_queue.recv() {
                        Ok(Some(Some(n))) => {
                            if results.send(&(n * n)).is_err() {
                                return 2;
                            }
                        }
                        Ok(Some(None)) => return 0,    // my sentinel
                        Ok(None) | Err(_) => return 1, // the queue ended without one
                    }
                }
            })
        }?);
    }
    // Only the workers may hold a results Sender: if they all end, killed or
    // not, the results queue ends too, and the loop below cannot wait for
    // ever for a result that a dead worker will never send.
    // ANCHOR_END: workers

    // ANCHOR: sentinels
    for &n in numbers {
        jobs.send(&Some(n))?;
    }
    for _ in 0..workers {
        jobs.send(&None)?; // one per worker: each stops exactly one
    }

    let mut squares = Vec::with_capacity(numbers.len());
    for _ in numbers {
        match result_queue.recv()? {
            Some(square) => squares.push(square),
            None => break,
        }
    }
    // ANCHOR_END: sentinels
    // Join every worker, even after a failure: an unjoined child is a zombie.
    let mut failure = None;
    for child in &mut children {
        let status = child.join()?;
        if !status.success() && failure.is_none() {
            failure = Some(format!("worker {} {status}", child.pid()));
        }
    }
    if let Some(failure) = failure {
        return Err(io::Error::other(failure));
    }
    if squares.len() < numbers.len() {
        return Err(io::Error::other(
            "the results queue ended before every square came",
        ));
    }
    squares.sort_unstable();
    Ok(squares)
}
// ANCHOR_END: square_with_workers
