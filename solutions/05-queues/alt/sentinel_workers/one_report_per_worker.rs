//! ALT: each worker sends one report (every square it made) after its sentinel, and a thread feeds the jobs
//!
//! The parent reads `workers` reports instead of `numbers.len()` squares,
//! while a scoped thread sends the jobs and the sentinels, so neither side
//! waits on a full pipe.

use std::io;
use std::thread;

use processes::demos::process::Process;

use crate::demos::queue::queue;

/// Squares every number in `workers` worker processes; stops them with
/// sentinels.
pub fn square_with_workers(numbers: &[u64], workers: usize) -> io::Result<Vec<u64>> {
    let (jobs, job_queue) = queue::<Option<u64>>()?;
    let (reports, report_queue) = queue::<Vec<u64>>()?;

    let mut children = Vec::with_capacity(workers);
    for _ in 0..workers {
        let (job_queue, reports) = (job_queue.try_clone()?, reports.try_clone()?);
        // SAFETY: the child sends or receives on queues: system calls on pipes and a file, and allocation (glibc's malloc survives fork); no std lock.
        children.push(unsafe {
            Process::start(move || {
                let mut squares = Vec::new();
                let code = loop {
                    match job_queue.recv() {
                        Ok(Some(Some(n))) => squares.push(n * n),
                        Ok(Some(None)) => break 0,
                        Ok(None) | Err(_) => break 1,
                    }
                };
                if reports.send(&squares).is_err() {
                    2
                } else {
                    code
                }
            })
        }?);
    }
    drop((job_queue, reports));

    let (sent, collected) = thread::scope(|scope| {
        let feeder = scope.spawn(move || -> io::Result<()> {
            for &n in numbers {
                jobs.send(&Some(n))?;
            }
            for _ in 0..workers {
                jobs.send(&None)?;
            }
            Ok(())
        });
        let mut squares = Vec::with_capacity(numbers.len());
        let mut collected = Ok(());
        for _ in 0..workers {
            match report_queue.recv() {
                Ok(Some(report)) => squares.extend(report),
                Ok(None) => break,
                Err(e) => {
                    collected = Err(e);
                    break;
                }
            }
        }
        let sent = feeder.join().expect("the feeding thread panicked");
        (sent, collected.map(|()| squares))
    });

    let mut statuses = Vec::with_capacity(workers);
    for child in &mut children {
        statuses.push((child.pid(), child.join()?));
    }
    if let Some((pid, status)) = statuses.iter().find(|(_, s)| !s.success()) {
        return Err(io::Error::other(format!("worker {pid} {status}")));
    }
    sent?;
    let mut squares = collected?;
    if squares.len() != numbers.len() {
        return Err(io::Error::other("some squares never came"));
    }
    squares.sort_unstable();
    Ok(squares)
}
