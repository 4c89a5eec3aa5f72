//! WRONG: checks `try_join` again and again without sleeping (a busy-wait)
//! EXPECT: busy-waiting
//! CLAUSE: 5
//!
//! Correct answers, and fast ones: it returns the moment the child ends. But
//! it keeps a core at 100% for the whole timeout, which on a machine with
//! more waiting processes than cores slows down the very child it waits for.

use std::io;
use std::time::{Duration, Instant};

use crate::demos::process::{ExitStatus, Process};

pub fn join_timeout(process: &mut Process, timeout: Duration) -> io::Result<Option<ExitStatus>> {
    let give_up_at = Instant::now() + timeout;
    loop {
        if let Some(status) = process.try_join()? {
            return Ok(Some(status));
        }
        if Instant::now() >= give_up_at {
            return Ok(None);
        }
    }
}
