//! ALT: one thread per child blocks in `join`, and a channel delivers the ends in order

use std::io;
use std::sync::mpsc;
use std::thread;

use crate::demos::process::{ExitStatus, Process};

/// What a child runs; its return value is its exit code.
pub type Body = Box<dyn FnMut() -> i32>;

/// One reaped child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reaped {
    pub index: usize,
    pub pid: i32,
    pub status: ExitStatus,
}

/// Starts every child, then gives each to a thread that waits for that one
/// child only (`waitpid` on its pid, through `join`) and sends the result
/// down a channel. The channel delivers them in the order they ended.
///
/// # Safety
///
/// Every body keeps to the rules of `Process::start`.
pub unsafe fn start_and_reap(
    bodies: Vec<Body>,
    mut on_reaped: impl FnMut(&Reaped),
) -> io::Result<Vec<Reaped>> {
    let mut children = Vec::new();
    for body in bodies {
        // SAFETY: the caller promised that every body may run in a child.
        match unsafe { Process::start(body) } {
            Ok(child) => children.push(child),
            Err(e) => {
                for child in &mut children {
                    let _ = child.kill();
                    let _ = child.join();
                }
                return Err(e);
            }
        }
    }
    let count = children.len();
    let (tx, rx) = mpsc::channel();
    let waiters: Vec<_> = children
        .into_iter()
        .enumerate()
        .map(|(index, mut child)| {
            let tx = tx.clone();
            thread::spawn(move || {
                let outcome = child.join().map(|status| Reaped {
                    index,
                    pid: child.pid(),
                    status,
                });
                let _ = tx.send(outcome);
            })
        })
        .collect();
    drop(tx);
    let mut reaped = Vec::with_capacity(count);
    let mut failure = None;
    for outcome in rx {
        match outcome {
            Ok(entry) => {
                on_reaped(&entry);
                reaped.push(entry);
            }
            Err(e) => {
                failure.get_or_insert(e);
            }
        }
    }
    for waiter in waiters {
        let _ = waiter.join();
    }
    failure.map_or(Ok(reaped), Err)
}
