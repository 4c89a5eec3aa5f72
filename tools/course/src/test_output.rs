//! Reading what `cargo test` printed: which tests passed or failed, and why.
//! The one reader of libtest's output in the tool: `test`, `verify` and
//! `grade` all go through it.
//!
//! It reads libtest's human output, because that is the only format a stable
//! toolchain gives without extra tools: libtest's JSON needs `-Z
//! unstable-options` (nightly, or `RUSTC_BOOTSTRAP`, which a tool students
//! run must not set, and whose format may change with any release), and
//! cargo-nextest, whose JUnit reports are machine-readable, is not installed
//! on a student's machine and runs tests outside the grader's per-test
//! sandbox. Where a stable machine-readable form exists it is used instead:
//! exit statuses, `--list --format terse` ([`listed_tests`]), and cargo's
//! `--message-format json` for builds (`grade`, `verify`). JUnit is written
//! with `quick-junit` (`grade --junit`).
//!
//! Read here: result lines (`test name ... ok`), failure sections (`---- name
//! stdout ----`) with their panic messages, and the `test result:` totals,
//! through backtraces, colour codes, the terse `-q` format and interleaved
//! output.

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

impl Failure {
    /// Reads the panics and notes of test `name` from what it printed: its
    /// failure section, or its standard error when it ran with `--nocapture`
    /// (panics are printed there as they happen).
    pub fn read(name: &str, text: &str) -> Failure {
        Failure::from_lines(name, plain(text).lines().map(str::trim_end))
    }

    fn from_lines<'a>(name: &str, lines: impl IntoIterator<Item = &'a str>) -> Failure {
        let mut failure = Failure {
            name: name.to_string(),
            ..Failure::default()
        };
        let mut lines = lines.into_iter().peekable();
        while let Some(line) = lines.next() {
            if let Some((thread, location)) = panic_header(line) {
                let mut message = Vec::new();
                while let Some(next) = lines.next_if(|next| {
                    !next.is_empty()
                        && !next.starts_with("note: run with `RUST_BACKTRACE")
                        && *next != "stack backtrace:"
                        && panic_header(next).is_none()
                }) {
                    message.push(next);
                }
                failure.panics.push(Panic {
                    thread,
                    location,
                    message: message.join("\n"),
                });
            } else if line == "stack backtrace:" {
                // Up to the blank line or the note that ends it, inclusive.
                lines
                    .by_ref()
                    .find(|l| l.is_empty() || l.starts_with("note: Some details are omitted"));
            } else if let Some(note) = line.strip_prefix("note: ") {
                if !note.starts_with("run with `RUST_BACKTRACE")
                    && !note.starts_with("Some details are omitted")
                {
                    failure.notes.push(note.to_string());
                }
            } else if line.starts_with(' ') && !failure.notes.is_empty() {
                // The indented lines after "panic did not contain expected
                // string": the panic message and the expected substring.
                failure.notes.push(line.trim().to_string());
            }
        }
        failure
    }
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
        let clean = plain(output);
        let mut report = TestReport::default();
        let mut section: Option<(&str, Vec<&str>)> = None;
        for line in clean.lines().map(str::trim_end) {
            if let Some(name) = section_header(line) {
                report.close(section.replace((name, Vec::new())));
                continue;
            }
            if line == "failures:" || line.starts_with("test result:") {
                report.close(section.take());
            }
            if line == "running 1 test" || line.starts_with("running ") && line.ends_with(" tests")
            {
                report.binaries_started += 1;
            } else if let Some(totals) = parse_totals(line) {
                report.binaries_finished += 1;
                report.totals.passed += totals.passed;
                report.totals.failed += totals.failed;
                report.totals.ignored += totals.ignored;
                report.totals.filtered_out += totals.filtered_out;
            } else if let Some((_, lines)) = section.as_mut() {
                lines.push(line);
            } else {
                report.cases.extend(result_lines(line));
            }
        }
        report.close(section);
        report
    }

    fn close(&mut self, section: Option<(&str, Vec<&str>)>) {
        if let Some((name, lines)) = section {
            self.failures.push(Failure::from_lines(name, lines));
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

    /// The names of the tests whose result line says `ok`.
    pub fn passed_names(&self) -> Vec<&str> {
        self.cases
            .iter()
            .filter(|c| c.outcome == Outcome::Passed)
            .map(|c| c.name.as_str())
            .collect()
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
    let (_, counts) = line.strip_prefix("test result: ")?.split_once(". ")?;
    let mut totals = Totals::default();
    for part in counts.split(';') {
        let mut words = part.split_whitespace();
        let (Some(Ok(number)), Some(label)) = (words.next().map(str::parse), words.next()) else {
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

/// `text` without terminal escapes (colours, links, cursor moves), through
/// `strip-ansi-escapes`; it drops tabs too, which a test's output keeps here.
pub fn plain(text: &str) -> String {
    let parts: Vec<String> = text
        .split('\t')
        .map(strip_ansi_escapes::strip_str)
        .collect();
    parts.join("\t")
}

/// The tests a test binary lists with `--list --format terse`: one `name:
/// test` line each (the format cargo-nextest reads too), benchmarks left out.
pub fn listed_tests(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

/// The lines a student reads first: at most `window` after the first
/// `---- name stdout ----` failure header; `None` when no test failed.
pub fn first_failure_lines(stdout: &str, window: usize) -> Option<Vec<&str>> {
    let mut lines = stdout.lines().skip_while(|l| !l.starts_with("---- "));
    lines.next()?;
    Some(lines.take(window).collect())
}

/// Whether `line` is libtest's framing rather than something a test printed.
pub fn is_framing(line: &str) -> bool {
    let line = line.trim();
    line.is_empty()
        || line.starts_with("running ")
        || line.starts_with("test result:")
        || line == "successes:"
        || line == "failures:"
        || line.starts_with("note: run with `RUST_BACKTRACE")
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
    fn panics_on_standard_error_are_read_like_a_failure_section() {
        let stderr = "hello\n\u{1b}[1mthread 'a' (7) panicked at tests/x.rs:1:2:\nleft: 1\nright: 2\n\
            stack backtrace:\n   0: std::panicking\n\nthread '<unnamed>' panicked at src/y.rs:3:4:\nboom\n\
            note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        let failure = Failure::read("a", stderr);
        let panics: Vec<(&str, &str, &str)> = failure
            .panics
            .iter()
            .map(|p| (p.thread.as_str(), p.location.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            panics,
            [
                ("a", "tests/x.rs:1:2", "left: 1\nright: 2"),
                ("<unnamed>", "src/y.rs:3:4", "boom")
            ]
        );
        assert!(failure.notes.is_empty(), "{:?}", failure.notes);
    }

    #[test]
    fn plain_text_has_no_colours_or_links_but_keeps_tabs() {
        let link = "\u{1b}]8;;https://doc.rust-lang.org\u{1b}\\E0308\u{1b}]8;;\u{1b}\\";
        assert_eq!(
            plain(&format!(
                "\u{1b}[1;31merror[{link}]\u{1b}[0m:\tmismatched\r\n"
            )),
            "error[E0308]:\tmismatched\n"
        );
    }

    #[test]
    fn listed_tests_leave_benchmarks_and_noise_out() {
        let listed = "a: test\nmod_b::c: test\nd: bench\nprinted before main\n";
        assert_eq!(listed_tests(listed), ["a", "mod_b::c"]);
    }

    #[test]
    fn the_first_failure_lines_start_after_the_first_header() {
        let stdout = "test a ... FAILED\n\nfailures:\n\n---- a stdout ----\none\ntwo\nthree\n";
        assert_eq!(first_failure_lines(stdout, 2), Some(vec!["one", "two"]));
        assert_eq!(first_failure_lines("test a ... ok\n", 2), None);
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
