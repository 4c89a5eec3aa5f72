//! `cargo course test <exercise>`: run one exercise's tests, explain the
//! result, and remember it for `cargo course list`.

use std::process::ExitCode;

use anyhow::{Context, Result};

use super::{find_exercise, indent};
use crate::cargo::{self, CargoRun, Echo};
use crate::cli::TestArgs;
use crate::course::{Chapter, Course, Exercise};
use crate::repo::Repo;
use crate::state::{State, Status};
use crate::test_output::{Outcome, TestReport};

pub fn run(args: &TestArgs) -> Result<ExitCode> {
    let repo = Repo::discover()?;
    let course = Course::load(&repo)?;
    let (chapter, exercise) = find_exercise(&course, &args.exercise)?;
    println!(
        "Testing `{}` (chapter {}, {}): cargo test -p {} --test {}",
        exercise.name, chapter.info.number, chapter.info.title, chapter.crate_name, exercise.name
    );
    let echo = if args.verbose {
        Echo::Everything
    } else {
        Echo::Progress
    };
    let outcome = run_exercise(&repo, chapter, exercise, echo)?;
    println!();
    print_summary(&repo, &course, chapter, exercise, &outcome);
    Ok(if outcome.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// One test run of one exercise.
#[derive(Debug)]
pub struct ExerciseRun {
    pub cargo: CargoRun,
    pub report: TestReport,
    /// Every test of the exercise passed (and at least one ran).
    pub passed: bool,
}

/// Runs `cargo test -p <crate> --test <exercise>` and records the outcome in
/// the state file, against the exercise file as it was when the run started.
pub fn run_exercise(
    repo: &Repo,
    chapter: &Chapter,
    exercise: &Exercise,
    echo: Echo,
) -> Result<ExerciseRun> {
    let file = chapter.exercise_file(exercise);
    let contents = std::fs::read(&file).with_context(|| {
        format!(
            "cannot read {}: the exercise file is missing (restore it from the course repository)",
            repo.rel(&file)
        )
    })?;
    let cargo = cargo::run(
        repo.root(),
        ["test", "-p", &chapter.crate_name, "--test", &exercise.name],
        echo,
    )?;
    let report = TestReport::parse(&cargo.stdout);
    let passed = cargo.success && report.all_passed();
    let mut state = State::load(repo);
    state.record(
        &exercise.name,
        &contents,
        passed,
        report.totals.passed,
        report.totals.failed,
    );
    state.save(repo)?;
    Ok(ExerciseRun {
        cargo,
        report,
        passed,
    })
}

fn print_summary(
    repo: &Repo,
    course: &Course,
    chapter: &Chapter,
    exercise: &Exercise,
    run: &ExerciseRun,
) {
    let report = &run.report;
    let test_file = repo.rel(&chapter.test_file(exercise));
    if report.binaries_started == 0 {
        println!(
            "The tests of `{}` did not run: the build failed.",
            exercise.name
        );
        let errors = cargo::error_lines(&run.cargo.stderr, 12);
        if errors.is_empty() {
            println!("Read cargo's messages above: the first error is the one to fix.");
        } else {
            println!("Cargo said:\n{}", indent(&errors.join("\n"), 4));
        }
        print_next_steps(repo, chapter, exercise, false);
        return;
    }
    let totals = report.totals;
    println!(
        "{}: {} passed, {} failed{} ({test_file})\n",
        exercise.name,
        totals.passed,
        totals.failed,
        if totals.ignored > 0 {
            format!(", {} ignored", totals.ignored)
        } else {
            String::new()
        }
    );
    for case in &report.cases {
        match case.outcome {
            Outcome::Passed => println!("  ok      {}", case.name),
            Outcome::Ignored => println!("  ignored {}", case.name),
            Outcome::Failed => print_failure(report, &case.name),
        }
    }
    // Failures whose result line was mangled by other output still get shown.
    for name in report.failed_names() {
        if !report.cases.iter().any(|c| c.name == name) {
            print_failure(report, name);
        }
    }
    if report.crashed() {
        println!(
            "\nThe test program stopped before it reported all results: a crash, an abort, \
             or a call to exit (from a forked child that returned into the test?)."
        );
        for line in cargo::error_lines(&run.cargo.stderr, 6) {
            println!("    {line}");
        }
    }
    if run.passed {
        let state = State::load(repo);
        let done = course
            .exercises()
            .filter(|(c, e)| state.status_of(&e.name, &c.exercise_file(e)) == Status::Done)
            .count();
        let total = course.exercises().count();
        println!(
            "\nAll tests of `{}` pass. {done}/{total} exercises done.",
            exercise.name
        );
        let next = course
            .exercises()
            .find(|(c, e)| state.status_of(&e.name, &c.exercise_file(e)) != Status::Done);
        match next {
            Some((_, next)) => println!(
                "Next exercise: `{}` ({}).\n    cargo course hint {}\n    cargo course test {}",
                next.name, next.summary, next.name, next.name
            ),
            None => println!("That was the last one: every exercise is done."),
        }
    } else {
        if totals.passed + totals.failed == 0 && !report.crashed() {
            println!("No test ran: is {test_file} empty, or are all its tests #[ignore]d?");
        }
        print_next_steps(repo, chapter, exercise, true);
    }
}

fn print_failure(report: &TestReport, name: &str) {
    println!("  FAILED  {name}");
    let Some(failure) = report.failure(name) else {
        return;
    };
    let mut seen = Vec::new();
    for panic in &failure.panics {
        if seen.contains(&&panic.message) {
            continue;
        }
        seen.push(&panic.message);
        let origin = if panic.thread == name {
            format!("at {}", panic.location)
        } else {
            format!("in thread '{}', at {}", panic.thread, panic.location)
        };
        println!("{}", indent(&panic.message, 10));
        println!("          ({origin})");
    }
    for note in &failure.notes {
        println!("          {note}");
    }
}

fn print_next_steps(repo: &Repo, chapter: &Chapter, exercise: &Exercise, show_hint: bool) {
    if show_hint && !exercise.hint.trim().is_empty() {
        println!("\nHint:\n{}", indent(&exercise.hint, 4));
    }
    println!(
        "\nNext: edit {}, then run again:\n    cargo course test {}",
        repo.rel(&chapter.exercise_file(exercise)),
        exercise.name
    );
}
