//! Gradescope's autograder `results.json`: the total score and one entry per
//! test with its own score, status and output.

use serde::Serialize;

use super::points;
use crate::commands::grade::model::{SubmissionResult, Verdict, round_points};

#[derive(Serialize)]
struct Results<'a> {
    score: f64,
    max_score: f64,
    output: String,
    tests: Vec<Test<'a>>,
}

#[derive(Serialize)]
struct Test<'a> {
    name: String,
    number: String,
    score: f64,
    max_score: f64,
    /// "passed" or "failed": the two values Gradescope knows.
    status: &'a str,
    output: String,
}

pub fn render(result: &SubmissionResult) -> String {
    let mut tests = Vec::new();
    for (e, exercise) in result.exercises.iter().enumerate() {
        for (t, test) in exercise.tests.iter().enumerate() {
            let output = match test.verdict {
                Verdict::Pass => String::new(),
                verdict => {
                    let mut text = format!("{}: {}", verdict.label(), test.reason);
                    if !test.output.is_empty() {
                        text.push_str("\n\nOutput:\n");
                        text.push_str(&test.output);
                    }
                    text
                }
            };
            tests.push(Test {
                name: format!("{}: {}", exercise.name, test.name),
                number: format!("{}.{}", e + 1, t + 1),
                score: round_points(test.score),
                max_score: round_points(test.max_score),
                status: if test.verdict == Verdict::Pass {
                    "passed"
                } else {
                    "failed"
                },
                output,
            });
        }
    }
    let (pass, fail, error) = result.counts();
    let mut output = format!(
        "{}/{} points: {pass} tests passed, {fail} failed, {error} errors.",
        points(result.score),
        points(result.max_score)
    );
    let held = result.held_for_review();
    if !held.is_empty() {
        output.push_str(&format!(
            "\nNEEDS REVIEW: {} test(s) of {} reported a pass that the code could have forged; \
             they score nothing until a teacher accepts them.",
            result.needs_review(),
            held.join(", ")
        ));
    }
    for error in &result.errors {
        output.push_str(&format!("\nerror: {error}"));
    }
    let flags = result.review_flags();
    if !flags.is_empty() {
        output.push_str("\nFLAGGED FOR REVIEW (constructs a forged result needs):");
        for flag in flags {
            output.push_str(&format!("\n  {flag}"));
        }
    }
    let results = Results {
        score: result.score,
        max_score: result.max_score,
        output,
        tests,
    };
    serde_json::to_string_pretty(&results).expect("always serializes") + "\n"
}
