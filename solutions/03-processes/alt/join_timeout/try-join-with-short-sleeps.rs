//! ALT: try_join with short sleeps in between, never past the deadline

use std::io;
use std::time::{Duration, Instant};

use crate::demos::process::{ExitStatus, Process};

/// Waits for `process` to end, for at most `timeout`: checks, sleeps at most
/// 1 ms (and never past the deadline), checks again. Portable to kernels
/// without pidfds, at the price of up to 1 ms of lateness.
pub fn join_timeout(process: &mut Process, timeout: Duration) -> io::Result<Option<ExitStatus>> {
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
