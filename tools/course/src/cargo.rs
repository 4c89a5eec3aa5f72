//! Running cargo from inside the tool.
//!
//! `cargo course` is itself started by `cargo run`. Cargo releases its build
//! lock before it starts the program it built, so a nested `cargo test` in the
//! same target directory does not deadlock: it shares the compiled
//! dependencies. (Measured with cargo 1.95; see the tool's tests, which run
//! nested cargo commands.) If another cargo is building at the same time, the
//! nested one prints "Blocking waiting for file lock" and waits, as usual.

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};

/// What a cargo command printed, and whether it succeeded.
#[derive(Debug, Clone)]
pub struct CargoRun {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Whether cargo's progress and errors are shown while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Echo {
    /// Captured only.
    Quiet,
    /// Standard error (compilation progress and errors) is shown live, and
    /// captured too.
    Progress,
    /// Both streams are shown live, and captured too.
    Everything,
}

/// The cargo that started us (`$CARGO`), or `cargo` from the PATH.
pub fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs `cargo <args>` in `dir`.
pub fn run<I, S>(dir: &Path, args: I, echo: Echo) -> Result<CargoRun>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_with_env(dir, args, &[], echo)
}

/// Runs `cargo <args>` in `dir` with the environment variables `env` set.
pub fn run_with_env<I, S>(
    dir: &Path,
    args: I,
    env: &[(String, std::ffi::OsString)],
    echo: Echo,
) -> Result<CargoRun>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().into()).collect();
    let shown = args
        .iter()
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = Command::new(cargo_program())
        .args(&args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start `cargo {shown}`: is cargo on the PATH?"))?;
    let out_reader = tee(child.stdout.take(), echo == Echo::Everything, false);
    let err_reader = tee(child.stderr.take(), echo != Echo::Quiet, true);
    let status = child
        .wait()
        .with_context(|| format!("cannot wait for `cargo {shown}`"))?;
    Ok(CargoRun {
        success: status.success(),
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    })
}

/// Runs `cargo <args>` in `dir` like [`run`], quietly, but stops it (and
/// everything it started: it runs in a process group of its own) after
/// `deadline`: `Ok(None)` then.
pub fn run_within<I, S>(dir: &Path, args: I, deadline: Duration) -> Result<Option<CargoRun>>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(cargo_program());
    command.args(args).current_dir(dir);
    let limits = testkit::Limits {
        own_group: true,
        ..testkit::Limits::in_all(deadline)
    };
    match testkit::run_command(&mut command, limits) {
        Ok(run) => Ok(Some(CargoRun {
            success: run.status.success(),
            stdout: run.stdout,
            stderr: run.stderr,
        })),
        Err(testkit::NotRun::Overstayed { .. }) => Ok(None),
        Err(testkit::NotRun::Start(e)) => Err(e).context("cannot start cargo: is it on the PATH?"),
    }
}

/// Reads `pipe` (piped above, so always there) to the end on its own thread
/// (so that neither pipe can fill up and block cargo), copying it to our
/// stdout or stderr when `show` is set.
fn tee<R: Read + Send + 'static>(
    pipe: Option<R>,
    show: bool,
    to_stderr: bool,
) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut all = Vec::new();
        let mut buffer = [0u8; 8192];
        let Some(mut pipe) = pipe else {
            return String::new();
        };
        loop {
            match pipe.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if show {
                        // A closed terminal is no reason to stop reading.
                        let _ = if to_stderr {
                            std::io::stderr().write_all(&buffer[..n])
                        } else {
                            std::io::stdout().write_all(&buffer[..n])
                        };
                    }
                    all.extend_from_slice(&buffer[..n]);
                }
            }
        }
        String::from_utf8_lossy(&all).into_owned()
    })
}

/// The lines of cargo's standard error that explain a failure: compiler
/// errors and cargo's own `error:` lines, at most `limit` of them.
pub fn error_lines(stderr: &str, limit: usize) -> Vec<String> {
    let clean = crate::test_output::plain(stderr);
    let mut lines: Vec<String> = Vec::new();
    let mut in_error = false;
    for line in clean.lines() {
        if line.starts_with("error") || line.contains("process didn't exit successfully") {
            in_error = true;
        } else if line.starts_with("warning") || line.trim_start().starts_with("Compiling") {
            in_error = false;
        }
        if in_error && !line.trim().is_empty() {
            lines.push(line.to_string());
        }
    }
    if lines.len() > limit {
        lines.truncate(limit);
        lines.push("...".to_string());
    }
    lines
}
