//! Solution: many producer and consumer processes on one queue.

use std::io;

use processes::demos::process::Process;

use crate::demos::queue::queue;

// ANCHOR: run
/// Producers and consumers on one queue; what each consumer took.
pub fn run(producers: usize, items_each: u64, consumers: usize) -> io::Result<Vec<Vec<u64>>> {
    // ANCHOR: producers
    let (work_tx, work_rx) = queue::<u64>()?;
    let mut children = Vec::new();

    for p in 0..producers as u64 {
        let tx = work_tx.try_clone()?;
        // SAFETY: the child sends or receives on the queue (read, write and fallocate
        // system calls on pipes and a file, plus encoding, which allocates:
        // allowed, glibc's malloc survives fork).
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
    // The last work Sender in the parent goes *before* any consumer is
    // forked: a consumer that inherited it would wait for ever.
    drop(work_tx);
    // ANCHOR_END: producers

    // ANCHOR: consumers
    let (report_tx, report_rx) = queue::<Vec<u64>>()?;
    for _ in 0..consumers {
        let (rx, report) = (work_rx.try_clone()?, report_tx.try_clone()?);
        // SAFETY: the child sends or receives on the queue (read, write and fallocate
        // system calls on pipes and a file, plus encoding, which allocates:
        // allowed, glibc's malloc survives fork).
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
    // ANCHOR_END: consumers

    // ANCHOR: reports
    // Exactly one report per consumer; a dead consumer shows up at the join.
    let mut reports = Vec::with_capacity(consumers);
    let mut read_error = None;
    while reports.len() < consumers {
        match report_rx.recv() {
            Ok(Some(report)) => reports.push(report),
            Ok(None) => break, // every consumer is gone: some died without reporting
            Err(e) => {
                read_error = Some(e); // a report cut short: its consumer died mid-write
                break;
            }
        }
    }
    // A consumer that died without reporting leaves the producers with
    // nobody to take their items, and each producer holds a copy of the work
    // queue's read end (inherited at its fork), so it never gets EPIPE: it
    // would wait for ever on a full queue. Stop every child before joining.
    if reports.len() < consumers {
        for child in &children {
            let _ = child.kill();
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
    if let Some(e) = read_error {
        return Err(e);
    }
    if reports.len() < consumers {
        return Err(io::Error::other("a consumer ended without reporting"));
    }
    Ok(reports)
    // ANCHOR_END: reports
}
// ANCHOR_END: run
