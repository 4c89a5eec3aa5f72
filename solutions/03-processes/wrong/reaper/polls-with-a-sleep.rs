//! WRONG: goes round the children with `try_join`, sleeping 10 ms between rounds
//! EXPECT: start_and_reap polls
//! CLAUSE: 4
//!
//! The fix students reach for once they are told the loop above keeps a core
//! busy: a short sleep between rounds. It uses little CPU, but it still wakes
//! a hundred times a second for nothing, and reports each child up to 10 ms
//! late. A child's end can wake a reaper that waits in `poll` or `waitpid`;
//! it cannot wake one asleep in `thread::sleep`.

use std::io;
use std::thread;
use std::time::Duration;

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
        if !running.is_empty() {
            // Python's habit: `while procs: ...; time.sleep(0.01)`.
            thread::sleep(Duration::from_millis(10));
        }
    }
    Ok(reaped)
}
