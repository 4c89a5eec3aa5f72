//! JUnit XML, written with `quick-junit` (cargo-nextest's own writer): one
//! `<testsuite>` per exercise, one `<testcase>` per test, a `<failure>` or
//! `<error>` with the reason when it did not pass, and the review flags as
//! `flagged-for-review` properties.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::commands::grade::model::{SubmissionResult, Verdict};

pub fn render(result: &SubmissionResult) -> String {
    let mut report = Report::new(text(&result.student));
    for exercise in &result.exercises {
        let mut suite = TestSuite::new(text(&exercise.name));
        let seconds: f64 = exercise.tests.iter().map(|t| t.seconds).sum();
        suite.set_time(Duration::from_secs_f64(seconds));
        for flag in &exercise.review {
            suite.add_property(("flagged-for-review", text(flag).as_str()));
        }
        for test in &exercise.tests {
            let mut status = match test.verdict {
                Verdict::Pass => TestCaseStatus::success(),
                Verdict::Fail => TestCaseStatus::non_success(NonSuccessKind::Failure),
                Verdict::Error => TestCaseStatus::non_success(NonSuccessKind::Error),
                Verdict::NeedsReview => TestCaseStatus::non_success(NonSuccessKind::Failure),
            };
            if test.verdict == Verdict::NeedsReview {
                // A failure until a teacher accepts it; the type says why.
                status.set_type("needs-review");
            }
            if test.verdict != Verdict::Pass {
                status
                    .set_message(text(test.reason.lines().next().unwrap_or_default()))
                    .set_description(text(&format!("{}\n\n{}", test.reason, test.output)));
            }
            let mut case = TestCase::new(text(&test.name), status);
            case.set_classname(text(&format!("{}.{}", exercise.crate_name, exercise.name)))
                .set_time(Duration::from_secs_f64(test.seconds));
            if test.verdict != Verdict::Pass && !test.output.is_empty() {
                case.set_system_out(text(&test.output));
            }
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report
        .to_string()
        .expect("a JUnit report of plain strings always serializes")
        + "\n"
}

/// Text XML 1.0 can hold: `quick-junit` drops colour codes and control
/// characters, and this the two non-characters it leaves (a test's output
/// may contain any byte).
fn text(text: &str) -> String {
    text.replace(['\u{fffe}', '\u{ffff}'], "")
}

#[cfg(test)]
mod tests {
    use quick_junit::{NonSuccessKind, Report, TestCaseStatus};

    use super::render;
    use crate::commands::grade::model::{
        ExerciseResult, LimitsInfo, SandboxInfo, SubmissionResult, TestResult, Verdict,
    };

    fn test(name: &str, verdict: Verdict, reason: &str, output: &str) -> TestResult {
        TestResult {
            name: name.into(),
            verdict,
            reason: reason.into(),
            output: output.into(),
            score: 0.0,
            max_score: 1.0,
            seconds: 0.25,
        }
    }

    fn submission() -> SubmissionResult {
        SubmissionResult {
            student: "ada & <bob>".into(),
            submission: "/submissions/ada".into(),
            score: 1.0,
            max_score: 3.0,
            sandbox: SandboxInfo {
                mode: "confined".into(),
                uid: 1000,
                slot: 0,
                process_limit_enforced: true,
                protections_off: Vec::new(),
                run_memory_mib: 1024,
            },
            limits: LimitsInfo {
                wall_seconds: 10.0,
                cpu_seconds: 10,
                memory_mib: 512,
                processes: 64,
                output_kept_bytes: 1 << 16,
                output_flood_bytes: 1 << 20,
                compile_seconds: 120.0,
                open_files: 256,
                tmp_mib: 64,
                build_budget_seconds: 600.0,
                build_memory_mib: 2048,
            },
            exercises: vec![ExerciseResult {
                name: "ordered_results".into(),
                chapter: 1,
                crate_name: "threads".into(),
                file: "exercises/01-threads/src/exercises/ordered_results.rs".into(),
                score: 1.0,
                max_score: 3.0,
                compile: None,
                review: vec!["line 3: `#[no_mangle]` \"replaces\" a symbol".into()],
                accepted: false,
                tests: vec![
                    test("keeps_order", Verdict::Pass, "", "printed but passed"),
                    test(
                        "joins_all",
                        Verdict::Fail,
                        "expected 4 results, got 3 <sic>\n(at tests/x.rs:1:2)",
                        "\u{1b}[31mred\u{1b}[0m \u{7}bell \u{ffff}end",
                    ),
                    test("no_deadlock", Verdict::Error, "no result within 10s", ""),
                ],
            }],
            errors: Vec::new(),
        }
    }

    /// Read back with quick-junit's own reader: the structure, the counts,
    /// the reasons and the flags survive markup, colour codes and control
    /// characters in what the student's code printed.
    #[test]
    fn the_report_reads_back_with_every_verdict_reason_and_flag() {
        let xml = render(&submission());
        let report = Report::deserialize_from_str(&xml)
            .unwrap_or_else(|e| panic!("the JUnit report must be well-formed XML: {e}\n{xml}"));
        assert_eq!(report.name.as_deref(), Some("ada & <bob>"));
        assert_eq!(
            (report.tests, report.failures, report.errors),
            (3, 1, 1),
            "one pass, one failure, one error:\n{xml}"
        );
        let suite = &report.test_suites[0];
        assert_eq!(suite.name.as_str(), "ordered_results");
        assert_eq!(suite.time.map(|t| t.as_millis()), Some(750));
        assert_eq!(suite.properties.len(), 1, "{xml}");
        assert_eq!(suite.properties[0].name.as_str(), "flagged-for-review");
        assert_eq!(
            suite.properties[0].value.as_str(),
            "line 3: `#[no_mangle]` \"replaces\" a symbol"
        );
        let cases = &suite.test_cases;
        assert_eq!(cases.len(), 3);
        assert!(
            cases
                .iter()
                .all(|c| { c.classname.as_deref() == Some("threads.ordered_results") })
        );
        assert!(matches!(cases[0].status, TestCaseStatus::Success { .. }));
        assert!(
            cases[0].system_out.is_none(),
            "a pass carries no output:\n{xml}"
        );
        let TestCaseStatus::NonSuccess {
            kind,
            message,
            description,
            ..
        } = &cases[1].status
        else {
            panic!("joins_all failed, the report says otherwise:\n{xml}");
        };
        assert_eq!(*kind, NonSuccessKind::Failure);
        assert_eq!(
            message.as_deref(),
            Some("expected 4 results, got 3 <sic>"),
            "the message is the reason's first line"
        );
        let description = description.as_deref().unwrap_or_default();
        assert!(
            description.starts_with("expected 4 results, got 3 <sic>\n(at tests/x.rs:1:2)\n\n")
        );
        assert_eq!(
            cases[1].system_out.as_deref(),
            Some("red bell end"),
            "colour codes, control characters and non-characters are dropped"
        );
        assert!(matches!(
            &cases[2].status,
            TestCaseStatus::NonSuccess { kind: NonSuccessKind::Error, message: Some(m), .. }
                if m.as_str() == "no result within 10s"
        ));
    }
}
