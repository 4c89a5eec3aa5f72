//! From a finished test run to a verdict and a reason a student can act on.

use nix::sys::signal::Signal;

use super::limits::Limits;
use super::model::Verdict;
use super::run::{RunOutcome, Stopped};
use crate::test_output::{Failure, Outcome, TestReport, is_framing};
use crate::text::shorten;

/// How many lines of output a test result keeps.
const OUTPUT_LINES: usize = 20;
/// How long one of those lines may be.
const LINE_CHARS: usize = 300;

/// The verdict on one test run, its reason, and the first lines of output.
pub fn judge(name: &str, run: &RunOutcome, limits: &Limits) -> (Verdict, String, String) {
    let (verdict, reason, output) = judge_uncapped(name, run, limits);
    (verdict, cap_lines(reason.lines()), output)
}

/// Lines as reports keep them: the first [`OUTPUT_LINES`], each shortened
/// to [`LINE_CHARS`]. A student's panic message or output is theirs to make
/// as long as they like, the report's size is not.
fn cap_lines<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    lines
        .take(OUTPUT_LINES)
        .map(|l| shorten(l, LINE_CHARS))
        .collect::<Vec<_>>()
        .join("\n")
}

fn judge_uncapped(name: &str, run: &RunOutcome, limits: &Limits) -> (Verdict, String, String) {
    let output = excerpt(run);
    let report = TestReport::parse(&run.stdout);
    let (verdict, mut reason) = classify(name, run, &report, limits);
    if !run.leftovers.is_empty() {
        let list: Vec<String> = run
            .leftovers
            .iter()
            .take(5)
            .map(ToString::to_string)
            .collect();
        let note = format!(
            "the test left {} process(es) behind after it ended: {} (every child must be \
             waited for; a daemon that outlives its test is a leak)",
            run.leftovers.len(),
            list.join("; ")
        );
        return match verdict {
            Verdict::Pass => (Verdict::Error, note, output),
            other => {
                reason = format!("{reason}\n{note}");
                (other, reason, output)
            }
        };
    }
    (verdict, reason, output)
}

fn classify(
    name: &str,
    run: &RunOutcome,
    report: &TestReport,
    limits: &Limits,
) -> (Verdict, String) {
    let memory_mib = limits.memory_bytes >> 20;
    let process_limit = limits.processes;
    let hit_process_limit = run.peak_tasks >= process_limit
        || run.stderr.contains("Resource temporarily unavailable")
            && run.peak_tasks * 10 >= process_limit * 9;
    let process_reason = || {
        format!(
            "process limit: the test reached {} processes and threads (the limit is {}): \
             a fork bomb, or threads started in a loop?",
            run.peak_tasks.max(process_limit),
            limits.processes
        )
    };
    // Before the wall clock: the killed process's partner may wait for it
    // until the time is up.
    if let Some(reason) = run.memory_limit_reason(false, limits) {
        return (Verdict::Error, reason);
    }
    match run.stopped {
        Some(Stopped::Flood) => {
            return (
                Verdict::Error,
                format!(
                    "output flood: the test wrote more than {} bytes and was stopped \
                     (a print in an endless loop?); the first {} KiB are kept",
                    limits.output_flood,
                    limits.output_kept >> 10
                ),
            );
        }
        Some(Stopped::Timeout) if hit_process_limit => return (Verdict::Error, process_reason()),
        Some(Stopped::Timeout) => {
            return (
                Verdict::Error,
                format!(
                    "no result within {}: a deadlock or an endless loop?",
                    limits.wall_text()
                ),
            );
        }
        None => {}
    }
    if run.stderr.contains("memory allocation of") && run.stderr.contains("failed") {
        return (
            Verdict::Error,
            format!("memory limit: the test tried to use more than {memory_mib} MiB"),
        );
    }
    if let Some(signal) = run.signal() {
        let reason = match signal {
            nix::libc::SIGXCPU => format!(
                "CPU time limit: the test used more than {}s of CPU time (an endless loop?)",
                limits.cpu_seconds
            ),
            nix::libc::SIGXFSZ => {
                "file size limit: the test wrote a file that is too large".to_string()
            }
            nix::libc::SIGSEGV if run.stderr.contains("has overflowed its stack") => {
                "stack overflow: endless recursion?".to_string()
            }
            nix::libc::SIGKILL if hit_process_limit => process_reason(),
            _ => format!(
                "the test process was killed by signal {signal} ({})",
                Signal::try_from(signal).map_or("unknown", Signal::as_str)
            ),
        };
        return (Verdict::Error, reason);
    }
    let passed_line = report.binaries_finished == 1
        && report.totals.passed == 1
        && report.totals.failed == 0
        && report
            .cases
            .iter()
            .any(|c| c.name == name && c.outcome == Outcome::Passed);
    let failed_line = report.binaries_finished == 1 && report.totals.failed == 1;
    match run.exit_code() {
        Some(0) if passed_line => (Verdict::Pass, String::new()),
        Some(0) => (
            Verdict::Error,
            "the test process exited with status 0 before reporting a result (a call to \
             std::process::exit, or a forked child that returned into the test?)"
                .to_string(),
        ),
        Some(101) if failed_line && hit_process_limit => (Verdict::Error, process_reason()),
        Some(101) if failed_line => {
            let mut reason = failure_reason(name, run, report);
            if reason.contains("failed to spawn thread") {
                reason.push_str(&format!(
                    "\n(the thread could not start: each thread's stack counts against the \
                     memory limit of {memory_mib} MiB and each thread against the limit of {} \
                     processes and threads)",
                    limits.processes
                ));
            }
            (Verdict::Fail, reason)
        }
        Some(code) => (
            Verdict::Error,
            format!("the test process exited with status {code} before reporting a result"),
        ),
        None => (
            Verdict::Error,
            "the test process ended without a status".to_string(),
        ),
    }
}

/// The panic message(s) of a failed test. With `--nocapture`, panics are
/// printed on standard error as they happen; libtest's own notes (such as
/// "test did not panic as expected") are on standard output.
fn failure_reason(name: &str, run: &RunOutcome, report: &TestReport) -> String {
    let from_stderr = Failure::read(name, &run.stderr);
    let mut lines: Vec<String> = Vec::new();
    for failure in std::iter::once(&from_stderr).chain(&report.failures) {
        for panic in &failure.panics {
            let line = if panic.thread == name || panic.thread == "main" {
                format!("{} (at {})", panic.message, panic.location)
            } else {
                format!(
                    "{} (in thread '{}', at {})",
                    panic.message, panic.thread, panic.location
                )
            };
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
        for note in &failure.notes {
            if !lines.contains(note) {
                lines.push(note.clone());
            }
        }
    }
    if lines.is_empty() {
        "the test failed without a panic message".to_string()
    } else {
        lines.join("\n")
    }
}

/// The first lines of what the test printed, without libtest's framing.
fn excerpt(run: &RunOutcome) -> String {
    let lines = run.stderr.lines().chain(run.stdout.lines());
    cap_lines(lines.filter(|l| !is_framing(l)))
}
