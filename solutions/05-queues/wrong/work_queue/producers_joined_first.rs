//! WRONG: joins the producers before forking the consumers
//! EXPECT: clause 4
//! CLAUSE: 4
//!
//! To be sure "every producer is done" before consumers start, and so that
//! no consumer can inherit a work Sender, the student joins the producers
//! first. It passes while all the items fit in the pipe; with more than
//! 64 KiB of frames (a few thousand items) the producers block in `send` on
//! a full pipe that nobody reads, and the parent waits in `join` for ever.
#![allow(unused_variables)]

use std::io;

use processes::demos::process::Process;

use crate::demos::queue::queue;

// ANCHOR: starter
/// Starts `producers` producer processes and `consumers` consumer processes.
/// Producer `p` sends the numbers `p * items_each .. (p + 1) * items_each`
/// on a shared queue ([`crate::demos::queue::queue`]); each consumer takes
/// numbers until the queue ends (`recv` returns `None`: no sentinels) and
/// reports what it took to the parent, for example on a second queue.
///
/// Returns, for each consumer, the numbers it took in the order it took them.
/// Every child has been joined when it returns; a child that fails (exit code
/// other than 0, or killed by a signal) makes it return an error, and a
/// consumer that dies without reporting must not make it wait for ever.
pub fn run(producers: usize, items_each: u64, consumers: usize) -> io::Result<Vec<Vec<u64>>> {
    let (work_tx, work_rx) = queue::<u64>()?;
    let (report_tx, report_rx) = queue::<Vec<u64>>()?;

    let mut children: Vec<Process> = Vec::new();
    let started: io::Result<()> = (|| {
        for p in 0..producers as u64 {
            let tx = work_tx.try_clone()?;
            // SAFETY: the child only sends on the queue (write system calls
            // and encoding) and leaves with _exit.
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
        // Let the producers finish before any consumer exists.
        for producer in &mut children {
            let status = producer.join()?;
            if !status.success() {
                return Err(io::Error::other(format!("a producer {status}")));
            }
        }
        Ok(())
    })();
    drop(work_tx);

    let started = started.and_then(|()| {
        for _ in 0..consumers {
            let rx = work_rx.try_clone()?;
            let report = report_tx.try_clone()?;
            // SAFETY: the child only receives and sends on the queues (read
            // and write system calls and encoding) and leaves with _exit.
            children.push(unsafe {
                Process::start(move || {
                    let mut took = Vec::new();
                    loop {
                        match rx.recv() {
                            Ok(Some(n)) => took.push(n),
                            Ok(None) => break,
                            Err(_) => return 1,
                        }
                    }

                    if report.send(&took).is_err() {
                        return 1;
                    }
                    0
                })
            }?);
        }
        Ok(())
    });
    drop(report_tx);
    drop(work_rx);

    let mut reports = Vec::with_capacity(consumers);
    let mut collected: io::Result<()> = started;
    if collected.is_ok() {
        while reports.len() < consumers {
            match report_rx.recv() {
                Ok(Some(took)) => reports.push(took),
                Ok(None) => {
                    collected = Err(io::Error::other("a consumer ended without reporting"));
                    break;
                }
                Err(e) => {
                    collected = Err(e);
                    break;
                }
            }
        }
    }

    let mut failure = None;
    for child in &mut children {
        let status = child.join()?;
        if !status.success() && failure.is_none() {
            failure = Some(status);
        }
    }
    if let Some(status) = failure {
        return Err(io::Error::other(format!("a child {status}")));
    }
    collected?;
    Ok(reports)
}
// ANCHOR_END: starter
