//! Check 7b, read without running anything: the exercises' tests put a
//! deadline around every call that can block (`testkit::within`,
//! `recv_timeout`, `Rendezvous`), or say in a comment why it cannot block;
//! and no test uses `#[should_panic]`.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::selected;
use crate::commands::verify::Finding;
use crate::course::Course;
use crate::repo::Repo;

/// Calls in a test file that wait for another thread or process with no time
/// limit (as tokens: `()` an empty pair of parentheses, `(..)` a full one),
/// and what to use instead.
const BLOCKING: &[(&[&str], &str)] = &[
    (&[".", "join", "()"], "a join"),
    (
        &[".", "recv", "()"],
        "a recv without timeout (use recv_timeout)",
    ),
    (&[".", "wait", "()"], "a wait without timeout"),
    (
        &["Barrier", ":", ":", "new", "(..)"],
        "a std Barrier (use testkit::Rendezvous, which has a deadline)",
    ),
];

/// A comment on the line (or the line before) that says why a call cannot
/// block, which lets it stand outside `within`.
pub const NO_DEADLINE_MARK: &str = "cannot block:";

const SHOULD_PANIC: &str = "#[should_panic]: a wrong solution that does not panic reads \"test \
    did not panic as expected\"; catch the panic (catch_unwind, a quiet hook) and assert its message";

/// The blocking calls of a test file that are not inside a `within(...)`
/// call and have no `// cannot block: <why>` comment, and its
/// `should_panic` attributes, as (line number, what) pairs, by line. The
/// file is read as Rust tokens (`proc_macro2`), so that comments and
/// strings do not count and macros' arguments do.
pub fn unguarded_blocking_calls(source: &str) -> Vec<(usize, String)> {
    let tokens: TokenStream = match source.parse() {
        Ok(tokens) => tokens,
        Err(error) => return vec![(1, format!("cannot read it as Rust tokens: {error}"))],
    };
    let mut found = Vec::new();
    scan(tokens, false, &mut found);
    let lines: Vec<&str> = source.lines().collect();
    let marked = |line: usize| {
        (line.saturating_sub(2)..line)
            .any(|i| lines.get(i).is_some_and(|l| l.contains(NO_DEADLINE_MARK)))
    };
    found.retain(|(line, what)| what.is_none() || !marked(*line));
    found.sort_by_key(|(line, _)| *line);
    found
        .into_iter()
        .map(|(line, what)| {
            let what = match what {
                None => SHOULD_PANIC.to_string(),
                Some(what) => format!(
                    "{what} outside `within(...)`: put it under a deadline, or say why it cannot \
                     block in a `// {NO_DEADLINE_MARK} ...` comment"
                ),
            };
            (line, what)
        })
        .collect()
}

/// Adds to `found` the line of each `should_panic` (`None`) and of each
/// blocking call (what it is) in `tokens` and the groups inside them, calls
/// inside the parentheses of `within(...)` (`guarded`) aside.
fn scan(tokens: TokenStream, guarded: bool, found: &mut Vec<(usize, Option<&'static str>)>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let words: Vec<String> = tokens
        .iter()
        .map(|token| match token {
            TokenTree::Group(group) => match group.delimiter() {
                Delimiter::Parenthesis if group.stream().is_empty() => "()".into(),
                Delimiter::Parenthesis => "(..)".into(),
                _ => "{..}".into(),
            },
            other => other.to_string(),
        })
        .collect();
    for (at, token) in tokens.iter().enumerate() {
        let line = token.span().start().line;
        if let TokenTree::Group(group) = token {
            let within = at > 0 && words[at] == "(..)" && words[at - 1] == "within";
            scan(group.stream(), guarded || within, found);
        } else if words[at] == "should_panic" {
            found.push((line, None));
        }
        for (pattern, what) in BLOCKING {
            if !guarded && words[at..].iter().take(pattern.len()).eq(pattern.iter()) {
                found.push((line, Some(what)));
            }
        }
    }
}

pub fn check(repo: &Repo, course: &Course, select: &[String]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (chapter, exercise) in course.exercises() {
        if !selected(select, chapter, &exercise.name) {
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
fn words() {
    let hint = "the guard of `rx.lock().unwrap().recv()` lives on";
    // handle.join() in a comment
    assert!(rx.recv().is_ok(), "in a macro");
    let ok = within(D, "nested", "x", || (a.wait(), Barrier::new(2)));
    let b = std::sync::Barrier::new(2);
}
"#;
        let found = unguarded_blocking_calls(source);
        let lines: Vec<usize> = found.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [6, 12, 17, 19], "{found:?}");
        assert!(found[0].1.contains("recv without timeout"), "{found:?}");
        assert!(found[1].1.contains("should_panic"), "{found:?}");
        assert!(found[3].1.contains("std Barrier"), "{found:?}");
        let unreadable = unguarded_blocking_calls("fn f() { \"never closed }");
        assert_eq!(unreadable.len(), 1, "{unreadable:?}");
    }
}
