//! WRONG: the consumers are forked first, while the parent still holds the work Sender
//! EXPECT: the consumers never saw the end of the queue
//! CLAUSE: 2

use std::io;

use processes::demos::process::Process;

use crate::demos::queue::queue;

// ANCHOR: run
/// Producers and consumers on one queue; what each consumer took.
pub fn run(producers: usize, items_each: u64, consumers: usize) -> io::Result<Vec<Vec<u64>>> {
    let (work_tx, work_rx) = queue::<u64>()?;
    let mut children = Vec::new();

    let (report_tx, report_rx) = queue::<Vec<u64>>()?;
    for _ in 0..consumers {
        let (rx, report) = (work_rx.try_clone()?, report_tx.try_clone()?);
        // SAFETY: the child sends or receives on queues: system calls on pipes and a file, and allocation (glibc's malloc survives fork); no std lock.
        children.push(unsafe {
            Process::start(move || {
                let mut taken = Vec::new();
                loop {
                    match rx.recv() {
                        Ok(Some(n)) => taken.push(n),
                        Ok(None) => break,
                        Err(_) => return 1,
                    }
                }
                if report.send(&taken).is_err() { 2 } else { 0 }
            })
        }?);
    }
    drop((work_rx, report_tx));

    for p in 0..producers as u64 {
        let tx = work_tx.try_clone()?;
        // SAFETY: the child sends or receives on queues: system calls on pipes and a file, and allocation (glibc's malloc survives fork); no std lock.
        children.push(unsafe {
            Process::start(move || {
                for n in p * items_each..(p + 1) * items_each {
                    if tx.send(&n).is_err() {
                        return 1;
                    }
                }
                0
            })
        }?);
    }
    drop(work_tx);

    // Exactly one report per consumer; a dead consumer shows up at the join.
    let mut reports = Vec::with_capacity(consumers);
    while reports.len() < consumers {
        match report_rx.recv()? {
            Some(report) => reports.push(report),
            None => break, // every consumer is gone: some died without reporting
        }
    }
    // Join every child, even after a failure: an unjoined child is a zombie.
    let mut failure = None;
    for child in &mut children {
        let status = child.join()?;
        if !status.success() && failure.is_none() {
            failure = Some(format!("child {} {status}", child.pid()));
        }
    }
    if let Some(failure) = failure {
        return Err(io::Error::other(failure));
    }
    if reports.len() < consumers {
        return Err(io::Error::other("a consumer ended without reporting"));
    }
    Ok(reports)
}
// ANCHOR_END: run
