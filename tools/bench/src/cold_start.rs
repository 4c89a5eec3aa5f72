//! A newcomer's first minutes, measured: on a fresh clone with an empty
//! target folder, what the first commands a student types cost. The figure
//! is CPU time (user + system, of cargo and of every compiler it starts),
//! which does not depend on what else the machine is doing, as wall time
//! does; wall time is kept beside it.
//!
//! `cargo course bench --cold-start` runs it (several minutes) and adds the
//! figures to results.json; it needs the crates already in cargo's registry
//! cache (it runs offline), and it measures the committed tree (a clone).

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};
use serde::{Deserialize, Serialize};

/// The exercise a newcomer starts with, and its file.
pub const FIRST_EXERCISE: &str = "ordered_results";
const FIRST_EXERCISE_FILE: &str = "exercises/01-threads/src/exercises/ordered_results.rs";
/// How many times the warm edit-test loop runs (the median is kept).
const WARM_RUNS: usize = 3;

/// One step of the sequence and what it cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// The command, as the student types it.
    pub command: String,
    /// User + system CPU seconds of the command and all it started.
    pub cpu_seconds: f64,
    pub wall_seconds: f64,
}

/// The steps, in order: `cargo course list`, the first exercise's test, the
/// book, then the warm edit-test loop (the exercise file touched, its test
/// run again; the median of a few runs).
pub fn measure(repository: &Path) -> io::Result<Vec<Step>> {
    let clone = std::env::temp_dir().join(format!("course-cold-start-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&clone);
    let cloned = Command::new("git")
        .args(["clone", "--quiet"])
        .arg(repository)
        .arg(&clone)
        .status()?;
    if !cloned.success() {
        return Err(io::Error::other(format!(
            "git clone {} failed",
            repository.display()
        )));
    }
    let outcome = measure_in(&clone);
    let _ = std::fs::remove_dir_all(&clone);
    outcome
}

fn measure_in(clone: &Path) -> io::Result<Vec<Step>> {
    let target = clone.join("target");
    let test = ["course", "test", FIRST_EXERCISE];
    let mut steps = vec![
        run(clone, &target, &["course", "list"], true)?,
        run(clone, &target, &test, false)?,
        run(clone, &target, &["course", "book"], true)?,
    ];
    let mut warm: Vec<Step> = Vec::new();
    for _ in 0..WARM_RUNS {
        touch(&clone.join(FIRST_EXERCISE_FILE))?;
        warm.push(run(clone, &target, &test, false)?);
    }
    warm.sort_by(|a, b| a.wall_seconds.total_cmp(&b.wall_seconds));
    let mut median = warm.swap_remove(WARM_RUNS / 2);
    median.command = format!("edit, then cargo {}", test.join(" "));
    steps.push(median);
    Ok(steps)
}

/// Marks the file as changed, as an editor's save does.
fn touch(file: &Path) -> io::Result<()> {
    let text = std::fs::read(file)?;
    std::fs::write(file, text)
}

/// The user + system CPU time of every finished child and grandchild so far.
fn children_cpu() -> io::Result<Duration> {
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).map_err(io::Error::from)?;
    let seconds =
        |t: nix::sys::time::TimeVal| Duration::new(t.tv_sec() as u64, t.tv_usec() as u32 * 1000);
    Ok(seconds(usage.user_time()) + seconds(usage.system_time()))
}

/// Runs `cargo <args>` in `clone` with its own target folder, offline, and
/// measures it. With `must_pass`, a failure is an error (a test of an
/// unsolved exercise is expected to fail).
fn run(clone: &Path, target: &PathBuf, args: &[&str], must_pass: bool) -> io::Result<Step> {
    let cpu_before = children_cpu()?;
    let started = Instant::now();
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(args)
        .current_dir(clone)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_NET_OFFLINE", "true")
        .stdin(Stdio::null())
        .output()?;
    let wall = started.elapsed();
    let cpu = children_cpu()? - cpu_before;
    let command = format!("cargo {}", args.join(" "));
    if must_pass && !output.status.success() {
        return Err(io::Error::other(format!(
            "`{command}` failed in the fresh clone:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    eprintln!(
        "{command:50} {:>8.1} CPU s {:>8.1} s",
        cpu.as_secs_f64(),
        wall.as_secs_f64()
    );
    Ok(Step {
        command,
        cpu_seconds: cpu.as_secs_f64(),
        wall_seconds: wall.as_secs_f64(),
    })
}
