//! The source tutorial's producer and consumer, first with a `None` sentinel
//! as in Python, then with closing, the Rust way.

use std::io;

use processes::demos::process::{ExitStatus, Process, child_println};

use super::queue::queue;

// ANCHOR: sentinel
/// One producer puts `count` items, one consumer takes them until it gets
/// the sentinel `None`, which the parent puts once the producer is done.
pub fn with_sentinel(count: usize) -> io::Result<(ExitStatus, ExitStatus)> {
    let (tx, rx) = queue::<Option<String>>()?;

    let producer_tx = tx.try_clone()?;
    // SAFETY: the child sends or receives on the queue (read, write and fallocate
    // system calls on pipes and a file, plus encoding, which allocates:
    // allowed, glibc's malloc survives fork) and prints with child_println, one write(2).
    let mut producer = unsafe {
        Process::start(move || {
            for i in 0..count {
                if producer_tx.send(&Some(format!("item {i}"))).is_err() {
                    return 1;
                }
                child_println(&format!("Produced item {i}"));
            }
            0
        })
    }?;
    // SAFETY: the child sends or receives on the queue (read, write and fallocate
    // system calls on pipes and a file, plus encoding, which allocates:
    // allowed, glibc's malloc survives fork) and prints with child_println, one write(2).
    let mut consumer = unsafe {
        Process::start(move || {
            while let Ok(Some(Some(item))) = rx.recv() {
                child_println(&format!("Consumed {item}"));
            }
            0
        })
    }?;

    let produced = producer.join()?;
    tx.send(&None)?; // the sentinel: "no more items"
    Ok((produced, consumer.join()?))
}
// ANCHOR_END: sentinel

// ANCHOR: close
/// One producer, `consumers` consumers, no sentinel: each consumer stops
/// when `recv` returns `None`, which happens once the only `Sender` is gone.
/// Returns how many items each consumer took (its exit code).
pub fn with_close(count: usize, consumers: usize) -> io::Result<Vec<ExitStatus>> {
    let (tx, rx) = queue::<String>()?;

    // The parent's only Sender moves into the producer: from here on, no
    // process but the producer can write, and consumers forked below do not
    // inherit a write end that would keep the queue open for ever.
    // SAFETY: the child sends or receives on the queue (read, write and fallocate
    // system calls on pipes and a file, plus encoding, which allocates:
    // allowed, glibc's malloc survives fork).
    let mut producer = unsafe {
        Process::start(move || {
            for i in 0..count {
                if tx.send(&format!("item {i}")).is_err() {
                    return 1;
                }
            }
            0 // the child's `_exit` closes `tx`'s descriptors: the queue ends
        })
    }?;

    let mut workers = Vec::new();
    for worker in 0..consumers {
        let rx = rx.try_clone()?;
        // SAFETY: the child sends or receives on the queue (read, write and fallocate
        // system calls on pipes and a file, plus encoding, which allocates:
        // allowed, glibc's malloc survives fork) and prints with child_println, one write(2).
        workers.push(unsafe {
            Process::start(move || {
                let mut taken = 0;
                while let Ok(Some(item)) = rx.recv() {
                    child_println(&format!("consumer {worker} took {item}"));
                    taken += 1;
                }
                child_println(&format!(
                    "consumer {worker}: end of queue after {taken} items"
                ));
                taken
            })
        }?);
    }
    producer.join()?;
    workers.iter_mut().map(Process::join).collect()
}
// ANCHOR_END: close
