//! What it costs to start something and wait for it: a thread, a forked
//! process, a new program. A quick measurement for the page; the benchmarks
//! with statistics are in `tools/bench`.

use processes::demos::process::{ExitStatus, Process};
use std::io;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

/// How long one start-and-wait took on average, over `runs` runs.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    pub what: &'static str,
    pub runs: u32,
    pub mean: Duration,
}

// ANCHOR: costs
/// Spawns a thread that does nothing and joins it, `runs` times.
pub fn thread_spawn_join(runs: u32) -> io::Result<Cost> {
    measure("thread: spawn + join", runs, || {
        thread::spawn(|| ())
            .join()
            .expect("an empty thread cannot panic");
        Ok(())
    })
}

/// Forks a child that leaves at once, and waits for it, `runs` times.
pub fn fork_join(runs: u32) -> io::Result<Cost> {
    measure("process: fork + wait", runs, || {
        // SAFETY: the child only returns 0.
        let status = unsafe { Process::start(|| 0) }?.join()?;
        expect_success(status)
    })
}

/// Starts the program `true` (fork + exec) and waits for it, `runs` times:
/// what Python's "spawn" start method pays, before its interpreter even
/// starts.
pub fn program_spawn_wait(runs: u32) -> io::Result<Cost> {
    measure("program: spawn `true` + wait", runs, || {
        let status = Command::new("true").status()?;
        match status.success() {
            true => Ok(()),
            false => Err(io::Error::other(format!("`true` failed: {status}"))),
        }
    })
}
// ANCHOR_END: costs

fn measure(
    what: &'static str,
    runs: u32,
    mut once: impl FnMut() -> io::Result<()>,
) -> io::Result<Cost> {
    assert!(runs > 0, "measure at least one run");
    let started = Instant::now();
    for _ in 0..runs {
        once()?;
    }
    Ok(Cost {
        what,
        runs,
        mean: started.elapsed() / runs,
    })
}

fn expect_success(status: ExitStatus) -> io::Result<()> {
    match status.success() {
        true => Ok(()),
        false => Err(io::Error::other(format!("the child ended with {status:?}"))),
    }
}
