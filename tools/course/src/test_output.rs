//! Reading what `cargo test` printed: which tests passed or failed, and why.
//!
//! The parser reads libtest's human output (the only stable format): result
//! lines (`test name ... ok`), failure sections (`---- name stdout ----`) with
//! their panic messages, and the `test result:` totals. It tolerates
//! backtraces, colour codes, the terse `-q` format and interleaved output.

/// How one test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    Ignored,
}

/// One test and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    pub name: String,
    pub outcome: Outcome,
}

/// A panic, as libtest printed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panic {
    /// The thread that panicked: the test's own, `<unnamed>`, or a name.
    pub thread: String,
    /// `file:line:column`.
    pub location: String,
    /// The message, possibly several lines (as for `assert_eq!`).
    pub message: String,
}

/// What a failed test printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Failure {
    pub name: String,
    pub panics: Vec<Panic>,
    /// libtest's own notes, such as "test did not panic as expected".
    pub notes: Vec<String>,
}

/// The `test result:` counts, summed over every test binary that reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    pub ignored: usize,
    pub filtered_out: usize,
}

/// Everything read from one `cargo test` run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestReport {
    pub cases: Vec<TestCase>,
    pub failures: Vec<Failure>,
    pub totals: Totals,
    /// How many test binaries started (`running N tests`).
    pub binaries_started: usize,
    /// How many of them printed their `test result:` line. Fewer than
    /// started means one crashed (abort, signal, `exit` from a test).
    pub binaries_finished: usize,
}

impl TestReport {
    /// Reads libtest's output (standard output of `cargo test`).
    pub fn parse(output: &str) -> TestReport {
        let clean = strip_ansi(output);
        let mut report = TestReport::default();
        let mut section: Option<Failure> = None;
        let mut lines = clean.lines().peekable();
        while let Some(line) = lines.next() {
            let trimmed = line.trim_end();
            if let Some(name) = section_header(trimmed) {
                report.close(section.take());
                section = Some(Failure {
                    name: name.to_string(),
                    ..Failure::default()
                });
                continue;
            }
            if trimmed == "failures:" || trimmed.starts_with("test result:") {
                report.close(section.take());
            }
            if trimmed.starts_with("running ") && trimmed.ends_with(" tests")
                || trimmed == "running 1 test"
            {
                report.binaries_started += 1;
                continue;
            }
            if let Some(totals) = parse_totals(trimmed) {
                report.binaries_finished += 1;
                report.totals.passed += totals.passed;
                report.totals.failed += totals.failed;
                report.totals.ignored += totals.ignored;
                report.totals.filtered_out += totals.filtered_out;
                continue;
            }
            if let Some(failure) = section.as_mut() {
                if let Some((thread, location)) = panic_header(trimmed) {
                    let mut message = Vec::new();
                    while let Some(next) = lines.peek() {
                        let next = next.trim_end();
                        if next.is_empty()
                            || next.starts_with("note: run with `RUST_BACKTRACE")
                            || next == "stack backtrace:"
                            || panic_header(next).is_some()
                            || section_header(next).is_some()
                        {
                            break;
                        }
                        message.push(next.to_string());
                        lines.next();
                    }
                    failure.panics.push(Panic {
                        thread,
                        location,
                        message: message.join("\n"),
                    });
                } else if trimmed == "stack backtrace:" {
                    skip_backtrace(&mut lines);
                } else if let Some(note) = trimmed.strip_prefix("note: ") {
                    if !note.starts_with("run with `RUST_BACKTRACE")
                        && !note.starts_with("Some details are omitted")
                    {
                        failure.notes.push(note.to_string());
                    }
                } else if trimmed.starts_with(' ') && !failure.notes.is_empty() {
                    // The indented lines after "panic did not contain expected
                    // string": the panic message and the expected substring.
                    failure.notes.push(trimmed.trim().to_string());
                }
                continue;
            }
            for case in result_lines(trimmed) {
                report.cases.push(case);
            }
        }
        report.close(section);
        report
    }

    fn close(&mut self, section: Option<Failure>) {
        if let Some(failure) = section {
            self.failures.push(failure);
        }
    }

    /// Whether the run proved the tests pass: every binary reported, at least
    /// one test ran, and none failed.
    pub fn all_passed(&self) -> bool {
        self.binaries_started > 0
            && self.binaries_finished == self.binaries_started
            && self.totals.failed == 0
            && self.totals.passed > 0
    }

    /// Whether some test binary started but never printed its totals.
    pub fn crashed(&self) -> bool {
        self.binaries_finished < self.binaries_started
    }

    /// The failure section of test `name`, if it printed one.
    pub fn failure(&self, name: &str) -> Option<&Failure> {
        self.failures.iter().find(|f| f.name == name)
    }

    /// The names of the failed tests: from result lines, or from the failure
    /// sections when the result lines were terse or mangled.
    pub fn failed_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .cases
            .iter()
            .filter(|c| c.outcome == Outcome::Failed)
            .map(|c| c.name.as_str())
            .collect();
        for failure in &self.failures {
            if !names.contains(&failure.name.as_str()) {
                names.push(&failure.name);
            }
        }
        names
    }

    /// Whether any panic message is a `todo!` one ("not yet implemented").
    pub fn mentions_todo(&self) -> bool {
        self.failures
            .iter()
            .flat_map(|f| &f.panics)
            .any(|p| p.message.contains("not yet implemented"))
    }
}

fn section_header(line: &str) -> Option<&str> {
    line.strip_prefix("---- ")?
        .strip_suffix(" stdout ----")
        .map(strip_should_panic)
}

/// `thread 'name' (1234) panicked at src/x.rs:1:2:` → (name, location).
/// Older toolchains print no thread id; both are accepted.
fn panic_header(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix("thread '")?;
    let (thread, rest) = rest.split_once('\'')?;
    let (_, location) = rest.split_once("panicked at ")?;
    let location = location.strip_suffix(':')?;
    Some((thread.to_string(), location.to_string()))
}

fn skip_backtrace<'a>(lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>) {
    while let Some(next) = lines.peek() {
        let next = next.trim_end();
        if next.is_empty() || next.starts_with("note: Some details are omitted") {
            lines.next();
            break;
        }
        lines.next();
    }
}

/// The results on one line: usually one (`test a ... ok`), several when
/// output got interleaved, or the terse `a --- FAILED` of `cargo test -q`.
fn result_lines(line: &str) -> Vec<TestCase> {
    if let Some(name) = line.strip_suffix(" --- FAILED")
        && !name.contains(' ')
    {
        return vec![TestCase {
            name: name.to_string(),
            outcome: Outcome::Failed,
        }];
    }
    let mut cases = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("test ") {
        let after = &rest[start + 5..];
        let Some((name, tail)) = after.split_once(" ... ") else {
            break;
        };
        let outcome = if tail.starts_with("ok") {
            Outcome::Passed
        } else if tail.starts_with("FAILED") {
            Outcome::Failed
        } else if tail.starts_with("ignored") {
            Outcome::Ignored
        } else {
            rest = tail;
            continue;
        };
        if !name.contains("test ") {
            cases.push(TestCase {
                name: strip_should_panic(name).to_string(),
                outcome,
            });
        }
        rest = tail;
    }
    cases
}

fn strip_should_panic(name: &str) -> &str {
    name.strip_suffix(" - should panic").unwrap_or(name)
}

fn parse_totals(line: &str) -> Option<Totals> {
    let rest = line.strip_prefix("test result: ")?;
    let (_, counts) = rest.split_once(". ")?;
    let mut totals = Totals::default();
    for part in counts.split(';') {
        let mut words = part.split_whitespace();
        let (Some(number), Some(label)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(number) = number.parse::<usize>() else {
            continue;
        };
        match label {
            "passed" => totals.passed = number,
            "failed" => totals.failed = number,
            "ignored" => totals.ignored = number,
            "filtered" => totals.filtered_out = number,
            _ => {}
        }
    }
    Some(totals)
}

/// Removes terminal colour codes (`ESC [ ... letter`).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_with_should_panic_and_interleaving() {
        assert_eq!(
            result_lines("test rejects_zero - should panic ... ok"),
            vec![TestCase {
                name: "rejects_zero".into(),
                outcome: Outcome::Passed
            }]
        );
        let mixed = result_lines("test a ... test b ... ok");
        assert_eq!(mixed.len(), 1, "{mixed:?}");
        assert_eq!(result_lines("hello from a child process"), vec![]);
    }

    #[test]
    fn totals_are_read() {
        let totals = parse_totals(
            "test result: FAILED. 1 passed; 4 failed; 1 ignored; 0 measured; 2 filtered out; finished in 0.00s",
        )
        .unwrap();
        assert_eq!(
            totals,
            Totals {
                passed: 1,
                failed: 4,
                ignored: 1,
                filtered_out: 2
            }
        );
    }

    #[test]
    fn colour_codes_are_removed() {
        assert_eq!(strip_ansi("\u{1b}[32mok\u{1b}[0m"), "ok");
    }

    #[test]
    fn panic_headers_with_and_without_thread_id() {
        assert_eq!(
            panic_header("thread 'a' (77) panicked at src/x.rs:1:2:"),
            Some(("a".into(), "src/x.rs:1:2".into()))
        );
        assert_eq!(
            panic_header("thread '<unnamed>' panicked at src/x.rs:1:2:"),
            Some(("<unnamed>".into(), "src/x.rs:1:2".into()))
        );
    }
}
