//! Chapter 3: processes.
//!
//! [`demos::process::Process`] is the Rust counterpart of Python's
//! `multiprocessing.Process`: `start` forks, `join` waits, `is_alive`,
//! `terminate`, `kill`, and an [`demos::process::ExitStatus`] that tells a
//! normal exit from a death by signal. Chapters 4 to 6 start their children
//! with it.
//!
//! The worked examples are in [`demos`]; the exercises, with their `todo!()`
//! bodies, are in [`exercises`]. Test with `cargo test -p processes`.

pub mod demos;
pub mod exercises;
