//! JUnit XML: one `<testsuite>` per exercise, one `<testcase>` per test, a
//! `<failure>` or `<error>` element with the reason when it did not pass.

use std::fmt::Write;

use crate::commands::grade::model::{SubmissionResult, Verdict};

pub fn render(result: &SubmissionResult) -> String {
    let (_, failures, errors) = result.counts();
    let tests: usize = result.exercises.iter().map(|e| e.tests.len()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">",
        escape(&result.student)
    );
    for exercise in &result.exercises {
        let count = |v: Verdict| exercise.tests.iter().filter(|t| t.verdict == v).count();
        let seconds: f64 = exercise.tests.iter().map(|t| t.seconds).sum();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{seconds:.3}\">",
            escape(&exercise.name),
            exercise.tests.len(),
            count(Verdict::Fail),
            count(Verdict::Error)
        );
        if !exercise.review.is_empty() {
            out.push_str("    <properties>\n");
            for flag in &exercise.review {
                let _ = writeln!(
                    out,
                    "      <property name=\"flagged-for-review\" value=\"{}\"/>",
                    escape(flag)
                );
            }
            out.push_str("    </properties>\n");
        }
        for test in &exercise.tests {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                escape(&format!("{}.{}", exercise.crate_name, exercise.name)),
                escape(&test.name),
                test.seconds
            );
            let element = match test.verdict {
                Verdict::Pass => {
                    out.push_str("/>\n");
                    continue;
                }
                Verdict::Fail => "failure",
                Verdict::Error => "error",
            };
            let message = test.reason.lines().next().unwrap_or_default();
            let _ = writeln!(
                out,
                ">\n      <{element} message=\"{}\">{}</{element}>",
                escape(message),
                escape(&format!("{}\n\n{}", test.reason, test.output))
            );
            if !test.output.is_empty() {
                let _ = writeln!(
                    out,
                    "      <system-out>{}</system-out>",
                    escape(&test.output)
                );
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Escapes text for XML content and attributes, dropping the control
/// characters XML 1.0 cannot hold (a test's output may contain any byte).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'\u{1b}[31m\n"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;[31m\n"
        );
    }
}
