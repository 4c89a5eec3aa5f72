//! WRONG: collects every report but never joins the children: zombies
//! EXPECT: returned without joining every worker
//! CLAUSE: 3

use std::io;

use processes::demos::process::Process;

use crate::demos::queue::queue;

// ANCHOR: run
/// Producers and consumers on one queue; what each consumer took.
pub fn run(producers: usize, items_each: u64, consumers: usize) -> io::Result<Vec<Vec<u64>>> {
    let (work_tx, work_rx) = queue::<u64>()?;
    let mut children = Vec::new();

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
    // The last work Sender in the parent goes *before* any consumer is
    // forked: a consumer that inherited it would wait for ever.
    drop(work_tx);

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

    // Exactly one report per consumer; a dead consumer shows up at the join.
    let mut reports = Vec::with_capacity(consumers);
    while reports.len() < consumers {
        match report_rx.recv()? {
            Some(report) => reports.push(report),
            None => break, // every consumer is gone: some died without reporting
        }
    }
    let _ = &mut children; // every child has reported: they are done
    if reports.len() < consumers {
        return Err(io::Error::other("a consumer ended without reporting"));
    }
    Ok(reports)
}
// ANCHOR_END: run
