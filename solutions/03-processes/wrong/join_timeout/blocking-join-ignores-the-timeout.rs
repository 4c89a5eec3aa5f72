//! WRONG: a blocking `join` that ignores the timeout
//! EXPECT: waited for the child instead of giving up
//! CLAUSE: 2
//!
//! Right whenever the child ends in time, which is what a quick manual test
//! tries; an unbounded wait the day it does not.

use std::io;
use std::time::Duration;

use crate::demos::process::{ExitStatus, Process};

pub fn join_timeout(process: &mut Process, timeout: Duration) -> io::Result<Option<ExitStatus>> {
    let _ = timeout; // the child will be done by then anyway
    process.join().map(Some)
}
