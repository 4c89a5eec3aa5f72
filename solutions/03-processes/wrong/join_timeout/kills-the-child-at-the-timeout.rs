//! WRONG: kills the child when the time is up
//! EXPECT: must leave a running child alone
//! CLAUSE: 2
//!
//! Students mix up Python's `join(timeout)` with "run for at most this long".
//! The caller decides what to do with a child that overstays, not
//! `join_timeout`.

use std::io;
use std::time::{Duration, Instant};

use crate::demos::process::{ExitStatus, Process};

pub fn join_timeout(process: &mut Process, timeout: Duration) -> io::Result<Option<ExitStatus>> {
    let give_up_at = Instant::now() + timeout;
    loop {
        if let Some(status) = process.try_join()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= give_up_at {
            process.kill()?; // do not leave it running past its time
            return Ok(None);
        }
        std::thread::sleep((give_up_at - now).min(Duration::from_millis(1)));
    }
}
