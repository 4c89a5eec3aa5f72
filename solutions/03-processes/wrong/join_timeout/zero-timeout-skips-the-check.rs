//! WRONG: a zero timeout returns None at once, without looking at the child
//! EXPECT: check with try_join before deciding that the time is up
//! CLAUSE: 3
//!
//! "Nothing to wait for" is read as "nothing to do"; but a child that has
//! already exited must be reported even with a zero timeout.

use std::io;
use std::time::{Duration, Instant};

use crate::demos::process::{ExitStatus, Process};

pub fn join_timeout(process: &mut Process, timeout: Duration) -> io::Result<Option<ExitStatus>> {
    if timeout.is_zero() {
        return Ok(None);
    }
    let give_up_at = Instant::now() + timeout;
    loop {
        if let Some(status) = process.try_join()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= give_up_at {
            return Ok(None);
        }
        std::thread::sleep((give_up_at - now).min(Duration::from_millis(1)));
    }
}
