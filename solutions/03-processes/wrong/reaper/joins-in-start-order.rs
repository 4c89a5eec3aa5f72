//! WRONG: joins the children one by one, in the order they were started
//! EXPECT: in start order
//! CLAUSE: 2
//!
//! Only its own children, no stolen status: but child 3, which ended long
//! ago, stays a zombie while `join` waits for child 0, and the report comes
//! in start order, not in the order the children ended.

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
    let mut children = Vec::new();
    for body in bodies {
        // SAFETY: the caller promised that every body may run in a child.
        children.push(unsafe { Process::start(body) }?);
    }
    let mut reaped = Vec::new();
    for (index, child) in children.iter_mut().enumerate() {
        let entry = Reaped {
            index,
            pid: child.pid(),
            status: child.join()?,
        };
        on_reaped(&entry);
        reaped.push(entry);
    }
    Ok(reaped)
}
