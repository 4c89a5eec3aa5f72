//! Building one exercise's test program in the scratch tree, with a
//! wall-clock limit, and learning where cargo put it.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use super::limits::seconds_text;
use crate::cargo;

/// How many lines of compiler errors a report keeps.
const ERROR_LINES: usize = 20;

/// What building a test program gave.
#[derive(Debug)]
pub struct Build {
    /// The test executable, when the build succeeded.
    pub executable: Option<PathBuf>,
    /// The first compiler error lines when it failed.
    pub errors: Vec<String>,
    pub seconds: f64,
}

/// `cargo test -p <crate> --test <test> --no-run --message-format=json` in
/// `workspace`, building into `target`, killed after `limit`.
pub fn build_test(
    workspace: &Path,
    target: &Path,
    crate_name: &str,
    test: &str,
    limit: Duration,
) -> Result<Build> {
    let started = Instant::now();
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .args(["test", "-p", crate_name, "--test", test, "--no-run"])
        .args(["--message-format=json"])
        .current_dir(workspace)
        // Only what cargo needs: `env!` in a student's file must not see the
        // grader's environment.
        .env_clear()
        .envs(
            [
                "PATH",
                "HOME",
                "CARGO_HOME",
                "RUSTUP_HOME",
                "RUSTUP_TOOLCHAIN",
                "RUSTC",
                "RUSTC_WRAPPER",
            ]
            .into_iter()
            .filter_map(|name| std::env::var_os(name).map(|v| (name, v))),
        )
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so that a timeout kills rustc too.
        .process_group(0);
    let mut child = command
        .spawn()
        .context("cannot start cargo: is it on the PATH?")?;
    let stdout = read_on_thread(child.stdout.take().context("cargo's stdout")?);
    let stderr = read_on_thread(child.stderr.take().context("cargo's stderr")?);
    let status = loop {
        if let Some(status) = child.try_wait().context("cannot wait for cargo")? {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = killpg(Pid::from_raw(child.id() as i32), Signal::SIGKILL);
            let _ = child.wait();
            break None;
        }
        // Polling a child process, not synchronising threads.
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    let seconds = started.elapsed().as_secs_f64();
    let Some(status) = status else {
        return Ok(Build {
            executable: None,
            errors: vec![format!(
                "the build took longer than {}: killed",
                seconds_text(limit)
            )],
            seconds,
        });
    };
    let (executable, mut errors) = read_messages(&stdout, test);
    if status.success() && executable.is_some() {
        return Ok(Build {
            executable,
            errors: Vec::new(),
            seconds,
        });
    }
    if errors.is_empty() {
        errors = cargo::error_lines(&stderr, ERROR_LINES);
    }
    if errors.is_empty() {
        errors.push(format!("cargo failed ({status}) without a compiler error"));
    }
    Ok(Build {
        executable: None,
        errors,
        seconds,
    })
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
                    let clean = crate::test_output::strip_ansi(rendered);
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

fn read_on_thread<R: Read + Send + 'static>(mut pipe: R) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}
