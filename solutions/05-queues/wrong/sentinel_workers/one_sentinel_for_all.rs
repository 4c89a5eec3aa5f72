//! WRONG: one `None` for all the workers, as in the one-consumer tutorial
//! EXPECT: a worker never got its sentinel
//! CLAUSE: 2
//!
//! The tutorial's consumer stops at the sentinel; with several workers the
//! first one to take it stops, and every other waits for ever.

use std::io;

use processes::demos::process::Process;

use crate::demos::queue::queue;

// ANCHOR: square_with_workers
/// Squares every number in `workers` worker processes; stops them with
/// sentinels.
pub fn square_with_workers(numbers: &[u64], workers: usize) -> io::Result<Vec<u64>> {
    let (jobs, job_queue) = queue::<Option<u64>>()?;
    let (results, result_queue) = queue::<u64>()?;

    let mut children = Vec::with_capacity(workers);
    for _ in 0..workers {
        let (job_queue, results) = (job_queue.try_clone()?, results.try_clone()?);
        // SAFETY: the child sends or receives on queues: system calls on pipes and a file, and allocation (glibc's malloc survives fork); no std lock.
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
    drop(results);

    for &n in numbers {
        jobs.send(&Some(n))?;
    }
    jobs.send(&None)?; // tell the workers we are done

    let mut squares = Vec::with_capacity(numbers.len());
    for _ in numbers {
        match result_queue.recv()? {
            Some(square) => squares.push(square),
            None => break,
        }
    }
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
