//! WRONG: goes round the children with `try_join` again and again, without sleeping
//! EXPECT: busy-waiting
//! CLAUSE: 4
//!
//! Its own children only, in the order they end, each reported at once: all
//! right, except that the reaper keeps a core busy for as long as the
//! slowest child runs.

use std::io;

use crate::demos::process::{ExitStatus, Process};

pub type Body = Box<dyn FnMut() -> i32>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reaped {
    pub index: usize,
    pub pid: i32,
    pub status: ExitStatus,
}

/// # Safety
///
/// Every body keeps to the rules of `Process::start`.
pub unsafe fn start_and_reap(
    bodies: Vec<Body>,
    mut on_reaped: impl FnMut(&Reaped),
) -> io::Result<Vec<Reaped>> {
    let mut running: Vec<(usize, Process)> = Vec::new();
    for (index, body) in bodies.into_iter().enumerate() {
        // SAFETY: the caller promised that every body may run in a child.
        running.push((index, unsafe { Process::start(body) }?));
    }
    let mut reaped = Vec::new();
    while !running.is_empty() {
        let mut position = 0;
        while position < running.len() {
            if let Some(status) = running[position].1.try_join()? {
                let (index, child) = running.remove(position);
                let entry = Reaped {
                    index,
                    pid: child.pid(),
                    status,
                };
                on_reaped(&entry);
                reaped.push(entry);
            } else {
                position += 1;
            }
        }
    }
    Ok(reaped)
}
