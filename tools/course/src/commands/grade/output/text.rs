//! The report printed on standard output: one line per test, the reason
//! under each test that did not pass, the points per exercise and in total.

use std::fmt::Write;

use super::points;
use crate::commands::grade::model::{SubmissionResult, Verdict};
use crate::commands::indent;

/// How many lines of a reason or of output the report shows per test.
const SHOWN_LINES: usize = 8;

pub fn render(result: &SubmissionResult) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Grading {} ({})", result.student, result.submission);
    let limits = &result.limits;
    let _ = writeln!(
        out,
        "Limits per test: {}s wall clock, {}s CPU, {} MiB memory per process{}, {} processes; \
         sandbox: {} (uid {}{})",
        limits.wall_seconds,
        limits.cpu_seconds,
        limits.memory_mib,
        match result.sandbox.run_memory_mib {
            0 => String::new(),
            mib => format!(" and {mib} MiB per run"),
        },
        limits.processes,
        result.sandbox.mode,
        result.sandbox.uid,
        if result.sandbox.process_limit_enforced {
            ""
        } else {
            ", process limit NOT enforced"
        }
    );
    for off in &result.sandbox.protections_off {
        let _ = writeln!(out, "  protection OFF: {off}");
    }
    for exercise in &result.exercises {
        let _ = writeln!(
            out,
            "\n{} (chapter {}, {}): {}/{} points",
            exercise.name,
            exercise.chapter,
            exercise.file,
            points(exercise.score),
            points(exercise.max_score)
        );
        if let Some(compile) = &exercise.compile
            && !compile.ok
        {
            let _ = writeln!(out, "  does not compile:");
            let shown: Vec<&str> = compile
                .errors
                .iter()
                .take(SHOWN_LINES)
                .map(String::as_str)
                .collect();
            let _ = writeln!(out, "{}", indent(&shown.join("\n"), 6));
        }
        if !exercise.review.is_empty() {
            let _ = writeln!(
                out,
                "  FLAGGED FOR REVIEW (constructs a forged result needs; {}):",
                if exercise.accepted {
                    "accepted by a teacher, its passes count"
                } else {
                    "its passes score nothing until a teacher accepts it"
                }
            );
            for flag in &exercise.review {
                let _ = writeln!(out, "      {flag}");
            }
        }
        for test in &exercise.tests {
            let _ = writeln!(
                out,
                "  {:<5} {} ({}/{})",
                test.verdict.label(),
                test.name,
                points(test.score),
                points(test.max_score)
            );
            if test.verdict != Verdict::Pass && !test.reason.is_empty() {
                let reason: Vec<&str> = test.reason.lines().take(SHOWN_LINES).collect();
                let _ = writeln!(out, "{}", indent(&reason.join("\n"), 8));
            }
        }
    }
    for error in &result.errors {
        let _ = writeln!(out, "\nerror: {error}");
    }
    let (pass, fail, error) = result.counts();
    let flagged = result.review_flags().len();
    let held = match result.needs_review() {
        0 => String::new(),
        n => format!(", {n} need review"),
    };
    let _ = writeln!(
        out,
        "\nTotal: {}/{} points ({pass} passed, {fail} failed, {error} errors{held}){}",
        points(result.score),
        points(result.max_score),
        if flagged > 0 {
            format!("; FLAGGED FOR REVIEW ({flagged} construct(s), see above)")
        } else {
            String::new()
        }
    );
    out
}
