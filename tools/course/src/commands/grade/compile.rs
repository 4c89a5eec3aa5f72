//! Building one exercise's test program in the sandbox (cargo, rustc and
//! whatever runs at compile time are confined like the tests), offline and
//! with the teacher's Cargo.lock, and learning where cargo put it.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use super::limits::{Limits, seconds_text};
use super::run::{OutputLimits, RunOutcome, Stopped, run_sandboxed};
use super::sandbox::{Job, Sandbox, Stage};
use crate::cargo;
use crate::text::shorten;

/// How many lines of compiler errors a report keeps.
const ERROR_LINES: usize = 20;
/// How long one of those lines may be.
const ERROR_LINE_CHARS: usize = 300;
/// What is kept of cargo's output: its JSON messages name the executable.
const BUILD_OUTPUT: OutputLimits = OutputLimits {
    keep: 8 << 20,
    flood: 64 << 20,
};

/// What building a test program gave.
#[derive(Debug)]
pub struct Build {
    /// The test executable (as the sandbox sees it), when the build succeeded.
    pub executable: Option<PathBuf>,
    /// The first compiler error lines when it failed.
    pub errors: Vec<String>,
    pub seconds: f64,
}

/// `cargo test -p <crate> --test <test> --no-run --message-format=json
/// --frozen` in the sandbox, killed after `limit`.
pub fn build_test(
    sandbox: &Sandbox,
    stage: Stage,
    crate_name: &str,
    test: &str,
    limit: Duration,
) -> Result<Build> {
    let manifest = sandbox.workspace().join("Cargo.toml").display().to_string();
    let args = [
        "test",
        "--manifest-path",
        &manifest,
        "-p",
        crate_name,
        "--test",
        test,
        "--no-run",
        "--message-format=json",
        // Offline, and the lock file as the teacher left it.
        "--frozen",
    ];
    let job = Job {
        stage,
        program: None,
        args: &args,
        crate_dir: "",
        wall: limit,
    };
    let run = run_sandboxed(sandbox, &job, BUILD_OUTPUT)?;
    Ok(build_result(&run, test, limit, &sandbox.limits))
}

/// What a finished build run gave: the executable, or why there is none.
fn build_result(run: &RunOutcome, test: &str, limit: Duration, limits: &Limits) -> Build {
    let seconds = run.elapsed.as_secs_f64();
    let killed = |why: String| Build {
        executable: None,
        errors: vec![why],
        seconds,
    };
    // Before the wall clock, as for a test: the kernel's kill may leave
    // cargo waiting for the killed rustc until the time is up.
    if let Some(reason) = run.memory_limit_reason(true, limits) {
        return killed(reason);
    }
    match run.stopped {
        Some(Stopped::Timeout) => {
            let limit = seconds_text(limit);
            return killed(format!("the build took longer than {limit}: killed"));
        }
        Some(Stopped::Flood) => return killed("the build wrote too much output: killed".into()),
        None => {}
    }
    let (executable, mut errors) = read_messages(&run.stdout, test);
    if run.exit_code() == Some(0) && executable.is_some() {
        return Build {
            executable,
            errors: Vec::new(),
            seconds,
        };
    }
    if errors.is_empty() {
        errors = cargo::error_lines(&run.stderr, ERROR_LINES);
    }
    if errors.is_empty() {
        let how = match (run.exit_code(), run.signal()) {
            (_, Some(signal)) => format!("killed by signal {signal}: a build limit?"),
            (Some(code), _) => format!("status {code}"),
            _ => "no status".into(),
        };
        errors.push(format!("cargo failed ({how}) without a compiler error"));
        errors.extend(run.stderr.lines().rev().take(5).map(str::to_string));
    }
    for line in &mut errors {
        *line = shorten(line, ERROR_LINE_CHARS);
    }
    errors.truncate(ERROR_LINES + 1);
    Build {
        executable: None,
        errors,
        seconds,
    }
}

/// The test executable of `test` and the compiler's error lines, from
/// cargo's JSON messages.
pub fn read_messages(stdout: &str, test: &str) -> (Option<PathBuf>, Vec<String>) {
    let mut executable = None;
    let mut errors: Vec<String> = Vec::new();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                let target = &message["target"];
                let is_test = target["kind"]
                    .as_array()
                    .is_some_and(|kinds| kinds.iter().any(|k| k == "test"));
                if is_test
                    && target["name"] == test
                    && let Some(path) = message["executable"].as_str()
                {
                    executable = Some(PathBuf::from(path));
                }
            }
            Some("compiler-message") if message["message"]["level"] == "error" => {
                if errors.len() < ERROR_LINES
                    && let Some(rendered) = message["message"]["rendered"].as_str()
                {
                    let clean = crate::test_output::plain(rendered);
                    errors.extend(
                        clean
                            .lines()
                            .filter(|l| !l.trim().is_empty())
                            .map(str::to_string),
                    );
                }
            }
            _ => {}
        }
    }
    if errors.len() > ERROR_LINES {
        errors.truncate(ERROR_LINES);
        errors.push("...".to_string());
    }
    (executable, errors)
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    use super::*;

    /// A build that the memory group's OOM killer ended: cargo reports the
    /// SIGKILL of a rustc as its own death by signal 9, without a compiler
    /// error.
    fn killed_build(out_of_memory: bool) -> RunOutcome {
        RunOutcome {
            status: Some(ExitStatus::from_raw(nix::libc::SIGKILL)),
            stopped: None,
            stdout: String::new(),
            stderr: "   Compiling threads v0.1.0 (/course/exercises/01-threads)\n".into(),
            output_bytes: 0,
            peak_tasks: 3,
            out_of_memory,
            leftovers: Vec::new(),
            elapsed: Duration::from_secs(2),
        }
    }

    #[test]
    fn a_build_killed_at_the_memory_ceiling_says_memory_limit() {
        let limits = Limits::default();
        let build = build_result(&killed_build(true), "t", limits.compile, &limits);
        let ceiling = format!("{} MiB", limits.run_memory_bytes(true) >> 20);
        assert!(
            build.executable.is_none()
                && build.errors.len() == 1
                && build.errors[0].starts_with("memory limit: the build's processes together")
                && build.errors[0].contains(&ceiling),
            "a build the memory group's OOM killer ended must say `memory limit` with the \
             build's ceiling ({ceiling}), not a bare signal; got {:?}",
            build.errors
        );
        let other = build_result(&killed_build(false), "t", limits.compile, &limits);
        assert!(
            other.errors[0].contains("killed by signal 9: a build limit?"),
            "a SIGKILL without the OOM killer is no memory verdict; got {:?}",
            other.errors
        );
    }
}
