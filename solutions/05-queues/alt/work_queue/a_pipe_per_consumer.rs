//! ALT: each consumer reports on a pipe of its own (chapter 4's framing) instead of a second queue

use std::io;

use pipes::demos::framing;
use processes::demos::process::Process;

use crate::demos::queue::queue;

/// Producers and consumers on one queue; what each consumer took.
pub fn run(producers: usize, items_each: u64, consumers: usize) -> io::Result<Vec<Vec<u64>>> {
    let (work_tx, work_rx) = queue::<u64>()?;
    let mut children = Vec::new();
    for p in 0..producers as u64 {
        let tx = work_tx.try_clone()?;
        // SAFETY: the child sends or receives on queues: system calls on pipes and a file, and allocation (glibc's malloc survives fork); no std lock.
        children.push(unsafe {
            Process::start(move || {
                let all_sent = (p * items_each..(p + 1) * items_each).all(|n| tx.send(&n).is_ok());
                if all_sent { 0 } else { 1 }
            })
        }?);
    }
    drop(work_tx); // before any consumer exists

    let mut report_ends = Vec::with_capacity(consumers);
    for _ in 0..consumers {
        let (report_end, mut writer) = io::pipe()?;
        let rx = work_rx.try_clone()?;
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
                if framing::send(&mut writer, &taken).is_err() {
                    2
                } else {
                    0
                }
            })
        }?);
        report_ends.push(report_end);
    }
    drop(work_rx);

    // A later consumer inherited the read ends made before it, never a write
    // end of another consumer's pipe (each was moved into its own child), so
    // each pipe ends when its consumer exits.
    let mut reports = Vec::with_capacity(consumers);
    let mut read_error = None;
    for mut end in report_ends {
        match framing::recv::<Vec<u64>>(&mut end) {
            Ok(Some(report)) => reports.push(report),
            Ok(None) => {}
            Err(e) => read_error = read_error.or(Some(e)),
        }
    }
    // A consumer that died without reporting leaves the producers with
    // nobody to take their items (each holds a copy of the work queue's read
    // end, inherited at its fork): stop every child before joining.
    if reports.len() < consumers {
        for child in &children {
            let _ = child.kill();
        }
    }
    let mut failure = None;
    for child in &mut children {
        let status = child.join()?;
        if !status.success() && failure.is_none() {
            failure = Some(io::Error::other(format!("child {} {status}", child.pid())));
        }
    }
    if let Some(e) = failure.or(read_error) {
        return Err(e);
    }
    if reports.len() < consumers {
        return Err(io::Error::other("a consumer ended without reporting"));
    }
    Ok(reports)
}
