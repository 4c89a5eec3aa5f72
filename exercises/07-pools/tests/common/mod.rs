//! Helpers shared by the chapter's exercise tests (`mod common;` in each).
//!
//! * Panics a test causes on purpose print nothing: [`catch_quietly`] runs
//!   code that is expected to panic, [`panic_quietly`] panics on purpose
//!   (in a job on a pool's thread, say). Every other panic prints as usual,
//!   so the first message a student reads is the one about their mistake.
//! * [`QUICK`] is the deadline of these tests: a wrong solution fails the
//!   test binary well within 10 seconds.
//! * [`thread_ids`] and [`cpu_times`] find threads and the CPU time they
//!   used, to catch a thread that busy-waits.
#![allow(dead_code)] // each test file uses some of these

use std::any::Any;
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind, panic_any};
use std::sync::Once;
use std::time::Duration;

/// How long a test waits for something that a correct solution does at once
/// (a job to run, a drop to return). Long enough for a loaded 2-core machine,
/// short enough that a hanging solution fails the whole binary within 10 s
/// (the tests that wait run in parallel).
pub const QUICK: Duration = Duration::from_secs(3);

thread_local! {
    /// Set just before a panic the test causes on purpose, on the thread
    /// that panics; the hook clears it.
    static EXPECTED: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Installs, once per test binary, a panic hook that prints nothing for a
/// panic marked as expected and hands every other panic to the default hook.
fn install_hook() {
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !EXPECTED.replace(false) {
                default(info);
            }
        }));
    });
}

/// Panics with `payload` (a `&'static str`, a `String`, ...) without printing
/// anything: for a job that panics on purpose.
pub fn panic_quietly<P: Any + Send + 'static>(payload: P) -> ! {
    install_hook();
    EXPECTED.set(true);
    panic_any(payload)
}

/// Runs `work`, which should panic: `Err` with the panic's message if it did
/// (silently), `Ok` with its value if it returned.
pub fn catch_quietly<R>(work: impl FnOnce() -> R) -> Result<R, String> {
    install_hook();
    EXPECTED.set(true);
    let outcome = catch_unwind(AssertUnwindSafe(work));
    EXPECTED.set(false);
    outcome.map_err(|payload| message_of(payload.as_ref()))
}

/// The text of a panic payload: `panic!("literal")` gives a `&str`, a
/// formatted `panic!` a `String`.
pub fn message_of(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(a panic whose payload is not text)".to_string()
    }
}

/// The ids of this process's threads right now.
pub fn thread_ids() -> BTreeSet<u32> {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task must be readable to look at the pool's threads")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

/// The CPU time each of the threads `ids` of this process has used so far,
/// from the scheduler's nanosecond counter (a thread that has ended is left
/// out).
pub fn cpu_times(ids: &BTreeSet<u32>) -> BTreeMap<u32, Duration> {
    ids.iter()
        .filter_map(|&id| {
            let line = std::fs::read_to_string(format!("/proc/self/task/{id}/schedstat")).ok()?;
            let nanos = line.split_whitespace().next()?.parse().ok()?;
            Some((id, Duration::from_nanos(nanos)))
        })
        .collect()
}
