//! Helpers shared by the chapter's exercise tests (`mod common;` in each).
//! Quiet deliberate panics (`testkit::panics`) and the CPU time of threads
//! (`testkit::task`) come from testkit.
#![allow(dead_code)] // each test file uses some of these

use std::time::Duration;

/// How long a test waits for something that a correct solution does at once
/// (a job to run, a drop to return). Long enough for a loaded 2-core machine,
/// short enough that a hanging solution fails the whole binary within 10 s
/// (the tests that wait run in parallel).
pub const QUICK: Duration = Duration::from_secs(3);
