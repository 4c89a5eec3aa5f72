//! WRONG: sleeps for the whole timeout, then looks once
//! EXPECT: does it sleep for the whole timeout
//! CLAUSE: 4
//!
//! Simple and cheap, and right about the answer, but a child that ends after
//! 1 ms of a one-hour timeout is reported an hour later.

use std::io;
use std::time::Duration;

use crate::demos::process::{ExitStatus, Process};

pub fn join_timeout(process: &mut Process, timeout: Duration) -> io::Result<Option<ExitStatus>> {
    if let Some(status) = process.try_join()? {
        return Ok(Some(status));
    }
    std::thread::sleep(timeout);
    process.try_join()
}
