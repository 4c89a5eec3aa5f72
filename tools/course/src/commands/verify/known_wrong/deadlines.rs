//! Check 7b, read without running anything: the exercises' tests put a
//! deadline around every call that can block (`testkit::within`,
//! `recv_timeout`, `Rendezvous`), or say in a comment why it cannot block;
//! and no test uses `#[should_panic]`.

use super::Selection;
use crate::commands::verify::Finding;
use crate::course::Course;
use crate::repo::Repo;

/// Calls in a test file that wait for another thread or process with no time
/// limit, and what to use instead.
const BLOCKING: &[(&str, &str)] = &[
    (".join()", "a join"),
    (".recv()", "a recv without timeout (use recv_timeout)"),
    (".wait()", "a wait without timeout"),
    (
        "Barrier::new(",
        "a std Barrier (use testkit::Rendezvous, which has a deadline)",
    ),
];

/// A comment on the line (or the line before) that says why a call cannot
/// block, which lets it stand outside `within`.
pub const NO_DEADLINE_MARK: &str = "cannot block:";

/// The blocking calls of a test file that are not inside a `within(...)`
/// call and have no `// cannot block: <why>` comment, and its
/// `should_panic` attributes, as (line number, what) pairs.
pub fn unguarded_blocking_calls(source: &str) -> Vec<(usize, String)> {
    let guarded = within_spans(source);
    let lines: Vec<&str> = source.lines().collect();
    let mut found = Vec::new();
    let mut offset = 0;
    for (index, line) in lines.iter().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        if code.contains("should_panic") {
            found.push((
                index + 1,
                "#[should_panic]: a wrong solution that does not panic reads \"test did not panic \
                 as expected\"; catch the panic (catch_unwind, a quiet hook) and assert its message"
                    .to_string(),
            ));
        }
        let marked = line.contains(NO_DEADLINE_MARK)
            || index
                .checked_sub(1)
                .is_some_and(|before| lines[before].contains(NO_DEADLINE_MARK));
        for (token, what) in BLOCKING {
            for (at, _) in code.match_indices(token) {
                let position = offset + at;
                if !marked
                    && !guarded
                        .iter()
                        .any(|(start, end)| (*start..*end).contains(&position))
                {
                    found.push((
                        index + 1,
                        format!(
                            "{what} outside `within(...)`: put it under a deadline, or say why it \
                             cannot block in a `// {NO_DEADLINE_MARK} ...` comment"
                        ),
                    ));
                }
            }
        }
        offset += line.len() + 1;
    }
    found
}

/// The byte ranges of the arguments of every `within(` call of `source`.
fn within_spans(source: &str) -> Vec<(usize, usize)> {
    let bytes = source.as_bytes();
    let mut spans = Vec::new();
    for (at, _) in source.match_indices("within(") {
        let before = source[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let open = at + "within".len();
        let mut depth = 0usize;
        let mut in_string = false;
        let mut index = open;
        while index < bytes.len() {
            let byte = bytes[index];
            if in_string {
                if byte == b'\\' {
                    index += 1;
                } else if byte == b'"' {
                    in_string = false;
                }
            } else if byte == b'"' {
                in_string = true;
            } else if byte == b'(' {
                depth += 1;
            } else if byte == b')' {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            index += 1;
        }
        spans.push((open, index));
    }
    spans
}

pub fn check(repo: &Repo, course: &Course, selection: &Selection) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (chapter, exercise) in course.exercises() {
        if !selection.includes(chapter, &exercise.name) {
            continue;
        }
        let file = chapter.test_file(exercise);
        let Ok(source) = std::fs::read_to_string(&file) else {
            continue; // check 4 reports a missing test file
        };
        let found = unguarded_blocking_calls(&source);
        if found.is_empty() {
            findings.push(Finding::ok(format!(
                "{}: every blocking call is under a deadline, no should_panic",
                repo.rel(&file)
            )));
        }
        for (line, what) in found {
            // The scan is a text match: it cannot see a chapter's own deadline
            // helpers (a closure handed to `finish_or_snapshot`, a join after
            // `kill`). `should_panic` is always wrong; the others are shown for
            // review, and the timed runs of the known-wrong pass are the check.
            if what.contains("should_panic") {
                findings.push(Finding::fail(
                    format!("{}:{line}", repo.rel(&file)),
                    what,
                    "every test that can block has a deadline (testkit::within, recv_timeout, Rendezvous)",
                ));
            } else {
                findings.push(Finding::ok(format!(
                    "{}:{line}: review: {what} (not failing: the known-wrong runs' 10 s bound is the check)",
                    repo.rel(&file)
                )));
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocking_calls_need_a_deadline_or_a_reason() {
        let source = r#"
fn guarded() {
    let v = within(DEADLINE, "joining", "stuck", move || handle.join().unwrap());
}
fn bare() {
    let v = rx.recv().unwrap();
    // cannot block: the thread has already sent
    handle.join().unwrap();
    let names = parts.join(", ");
}
#[test]
#[should_panic(expected = "x")]
fn t() {}
"#;
        let found = unguarded_blocking_calls(source);
        let lines: Vec<usize> = found.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [6, 12], "{found:?}");
        assert!(found[0].1.contains("recv without timeout"), "{found:?}");
        assert!(found[1].1.contains("should_panic"), "{found:?}");
    }
}
