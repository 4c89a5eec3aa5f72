//! Findings of the checks, and how `verify` prints them.

use std::process::ExitCode;

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// What was checked and found right.
    Ok(String),
    /// A broken rule.
    Fail(Problem),
}

/// A broken rule: where, what, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// A file, with a line when there is one (`src/01-threads/index.md:12`).
    pub place: String,
    pub what: String,
    pub fix: String,
}

impl Finding {
    pub fn ok(what: impl Into<String>) -> Finding {
        Finding::Ok(what.into())
    }

    pub fn fail(
        place: impl Into<String>,
        what: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        Finding::Fail(Problem {
            place: place.into(),
            what: what.into(),
            fix: fix.into(),
        })
    }
}

/// `problems`, or, when there are none, the one finding that says what was
/// checked and found right.
pub fn ok_unless(problems: Vec<Finding>, ok: impl FnOnce() -> String) -> Vec<Finding> {
    if problems.is_empty() {
        vec![Finding::ok(ok())]
    } else {
        problems
    }
}

/// Prints findings as they come and counts them.
#[derive(Debug, Default)]
pub struct Report {
    checks: usize,
    failures: usize,
}

impl Report {
    pub fn section(&mut self, title: &str) {
        println!("\n== {title}");
    }

    pub fn note(&mut self, text: &str) {
        println!("   --    {text}");
    }

    pub fn add(&mut self, finding: Finding) {
        self.checks += 1;
        match finding {
            Finding::Ok(what) => println!("   ok    {what}"),
            Finding::Fail(problem) => {
                self.failures += 1;
                let mut lines = problem.what.lines();
                println!("   FAIL  {}: {}", problem.place, lines.next().unwrap_or(""));
                for line in lines {
                    println!("           {line}");
                }
                println!("         fix: {}", problem.fix);
            }
        }
    }

    pub fn extend(&mut self, findings: impl IntoIterator<Item = Finding>) {
        for finding in findings {
            self.add(finding);
        }
    }

    /// Prints the totals and returns the exit code: failure if any check failed.
    pub fn finish(self) -> ExitCode {
        println!();
        if self.failures == 0 {
            println!("verify: all {} checks passed.", self.checks);
            ExitCode::SUCCESS
        } else {
            println!(
                "verify: {} of {} checks FAILED (each FAIL line above says what to do).",
                self.failures, self.checks
            );
            ExitCode::FAILURE
        }
    }
}
