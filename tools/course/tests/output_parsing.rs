//! The summary of real `cargo test` outputs (captured in fixtures/cargo-output/).

use course::test_output::{Outcome, TestReport};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/cargo-output/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

#[test]
fn a_starter_run_fails_with_the_todo_messages() {
    for file in ["greet-starter.stdout", "greet-starter-backtrace.stdout"] {
        let report = TestReport::parse(&fixture(file));
        assert!(!report.all_passed(), "{file}");
        assert!(report.mentions_todo(), "{file}");
        assert_eq!(report.totals.failed, 2, "{file}");
        let mut names = report.failed_names();
        names.sort();
        assert_eq!(
            names,
            vec!["greets_by_name", "greets_the_empty_name"],
            "{file}"
        );
        let failure = report.failure("greets_by_name").expect("a failure section");
        assert_eq!(failure.panics.len(), 1, "{file}: {failure:?}");
        let panic = &failure.panics[0];
        assert_eq!(panic.thread, "greets_by_name");
        assert_eq!(
            panic.location,
            "exercises/01-greetings/src/exercises/greet.rs:4:5"
        );
        assert_eq!(
            panic.message, "not yet implemented: return \"Hello, Ada!\" with format!",
            "{file}: the backtrace must not leak into the message"
        );
    }
}

#[test]
fn a_solved_run_passes() {
    let report = TestReport::parse(&fixture("greet-solved.stdout"));
    assert!(report.all_passed(), "{report:?}");
    assert_eq!(report.totals.passed, 2);
    assert!(report.cases.iter().all(|c| c.outcome == Outcome::Passed));
    assert!(report.failures.is_empty());
}

#[test]
fn assertions_thread_panics_and_should_panic_are_explained() {
    for file in ["mixed-failures.stdout", "mixed-failures-backtrace.stdout"] {
        let report = TestReport::parse(&fixture(file));
        assert_eq!(report.totals.passed, 1, "{file}");
        assert_eq!(report.totals.failed, 4, "{file}");
        assert_eq!(report.totals.ignored, 1, "{file}");
        assert!(
            report
                .cases
                .iter()
                .any(|c| c.name == "ignored_one" && c.outcome == Outcome::Ignored)
        );

        let assertion = report.failure("g_is_three").expect("g_is_three failed");
        assert_eq!(
            assertion.panics[0].message,
            "assertion `left == right` failed: expected g to be three; look at g\n  left: 2\n right: 3",
            "{file}"
        );

        let threads = report
            .failure("thread_panics")
            .expect("thread_panics failed");
        let by_thread: Vec<(&str, &str)> = threads
            .panics
            .iter()
            .map(|p| (p.thread.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            by_thread,
            vec![
                ("<unnamed>", "inner thread boom"),
                (
                    "thread_panics",
                    "called `Result::unwrap()` on an `Err` value: Any { .. }"
                )
            ],
            "{file}"
        );

        let no_panic = report
            .failure("should_panic_but_doesnt")
            .expect("should_panic test failed");
        assert!(no_panic.panics.is_empty());
        assert_eq!(
            no_panic.notes,
            vec!["test did not panic as expected at lib1/tests/t.rs:14:4".to_string()],
            "{file}"
        );
    }
}

#[test]
fn the_terse_format_still_names_the_failures() {
    let report = TestReport::parse(&fixture("mixed-failures-quiet.stdout"));
    assert_eq!(report.totals.failed, 4);
    let mut names = report.failed_names();
    names.sort();
    assert_eq!(
        names,
        vec![
            "f_returns_four",
            "g_is_three",
            "should_panic_but_doesnt",
            "thread_panics"
        ]
    );
    assert!(report.mentions_todo());
}

#[test]
fn a_crashed_test_program_is_noticed() {
    let report = TestReport::parse(&fixture("crash.stdout"));
    assert_eq!(report.binaries_started, 1);
    assert!(report.crashed(), "{report:?}");
    assert!(!report.all_passed());
    let errors = course::cargo::error_lines(&fixture("crash.stderr"), 10);
    assert!(
        errors.iter().any(|l| l.contains("SIGABRT")),
        "the signal should be among the lines shown: {errors:?}"
    );
}

#[test]
fn a_should_panic_mismatch_shows_what_was_expected() {
    // A real run of a chapter exercise (threads, ordered_results) against its
    // starter code: the todo! panic does not contain the expected text.
    let report = TestReport::parse(&fixture("should-panic-mismatch.stdout"));
    let failure = report
        .failure("a_panicking_worker_is_reported_by_its_index")
        .expect("the should_panic test failed");
    assert_eq!(failure.panics[0].thread, "deadline: spawn_workers");
    assert_eq!(failure.notes[0], "panic did not contain expected string");
    assert!(
        failure
            .notes
            .iter()
            .any(|n| n == "expected substring: \"worker 2 panicked\""),
        "{:?}",
        failure.notes
    );
    assert_eq!(report.totals.failed, 5);
    assert!(report.mentions_todo());
}
