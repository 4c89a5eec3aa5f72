//! `cargo course test <exercise>`: run one exercise's tests (and, when they
//! pass and the exercise has one, its loom model-checking test), explain the
//! result, and remember it for `cargo course list`.

use std::ffi::OsString;
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
    if let Some(missing) = chapter.info.missing_requirements() {
        eprintln!(
            "Cannot test `{}`: {missing}. Install it, then run this command again.",
            exercise.name
        );
        return Ok(ExitCode::FAILURE);
    }
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
    Ok(super::exit_code(outcome.passed))
}

/// One test run of one exercise.
#[derive(Debug)]
pub struct ExerciseRun {
    pub cargo: CargoRun,
    pub report: TestReport,
    /// The loom test's run, when the exercise has one and its tests passed.
    pub loom: Option<LoomRun>,
    /// Every test of the exercise passed (and at least one ran), the loom
    /// test too if there is one.
    pub passed: bool,
}

/// The run of an exercise's model-checking test.
#[derive(Debug)]
pub struct LoomRun {
    /// The command, as a student would type it.
    pub shown: String,
    pub cargo: CargoRun,
    pub report: TestReport,
    pub passed: bool,
}

/// Environment variables to set for a cargo command.
pub type Environment = Vec<(String, OsString)>;

/// The cargo arguments and environment of an exercise's loom test:
/// `RUSTFLAGS="--cfg <cfg>" CARGO_TARGET_DIR=target/loom cargo test --release
/// -p <crate> --test <loom_test>` (RUSTFLAGS already set are kept, after ours).
pub fn loom_command(
    repo: &Repo,
    chapter: &Chapter,
    exercise: &Exercise,
) -> Option<(Vec<String>, Environment)> {
    let (test, cfg) = exercise.loom()?;
    let mut rustflags = OsString::from(format!("--cfg {cfg}"));
    if let Some(more) = std::env::var_os("RUSTFLAGS").filter(|f| !f.is_empty()) {
        rustflags.push(" ");
        rustflags.push(more);
    }
    let args = [
        "test",
        "--release",
        "-p",
        &chapter.crate_name,
        "--test",
        test,
    ]
    .map(String::from)
    .to_vec();
    let env = vec![
        ("RUSTFLAGS".to_string(), rustflags),
        (
            "CARGO_TARGET_DIR".to_string(),
            repo.root().join("target").join("loom").into_os_string(),
        ),
    ];
    Some((args, env))
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
    let mut passed = cargo.success && report.all_passed();
    let mut loom = None;
    if passed && let Some((args, env)) = loom_command(repo, chapter, exercise) {
        let shown = format!(
            "RUSTFLAGS=\"{}\" CARGO_TARGET_DIR=target/loom cargo {}",
            env[0].1.to_string_lossy(),
            args.join(" ")
        );
        println!("\nThe tests pass; now the model checker: {shown}");
        let cargo = cargo::run_with_env(repo.root(), &args, &env, echo)?;
        let report = TestReport::parse(&cargo.stdout);
        let loom_passed = cargo.success && report.all_passed();
        passed = loom_passed;
        loom = Some(LoomRun {
            shown,
            cargo,
            report,
            passed: loom_passed,
        });
    }
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
        loom,
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
    print_cases(report, &run.cargo);
    if let Some(loom) = &run.loom {
        print_loom(loom);
    }
    if run.passed {
        let state = State::load(repo);
        let not_done: Vec<&Exercise> = course
            .exercises()
            .filter(|(c, e)| state.status_of(&e.name, &c.exercise_file(e)) != Status::Done)
            .map(|(_, e)| e)
            .collect();
        let total = course.exercises().count();
        println!(
            "\nAll tests of `{}` pass. {}/{total} exercises done.",
            exercise.name,
            total - not_done.len()
        );
        match not_done.first() {
            Some(next) => println!(
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

/// One line per test, with the panic messages of the failed ones.
fn print_cases(report: &TestReport, cargo: &CargoRun) {
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
        for line in cargo::error_lines(&cargo.stderr, 6) {
            println!("    {line}");
        }
    }
}

/// The model checker's verdict, reported like the tests'.
fn print_loom(loom: &LoomRun) {
    println!("\nModel checking ({}):", loom.shown);
    if loom.report.binaries_started == 0 {
        println!("  the loom test did not build. Cargo said:");
        for line in cargo::error_lines(&loom.cargo.stderr, 12) {
            println!("    {line}");
        }
        return;
    }
    let totals = loom.report.totals;
    println!(
        "  {} passed, {} failed{}",
        totals.passed,
        totals.failed,
        if loom.passed {
            ""
        } else {
            ": some interleaving of your threads breaks the rule the test states"
        }
    );
    print_cases(&loom.report, &loom.cargo);
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
    if show_hint {
        let levels = super::hint::levels(exercise).len();
        if levels > 0 {
            println!(
                "\nStuck? There is a hint in {levels} levels, a nudge first: \
                 cargo course hint {}",
                exercise.name
            );
        }
    }
    println!(
        "\nNext: edit {}, then run again:\n    cargo course test {}",
        repo.rel(&chapter.exercise_file(exercise)),
        exercise.name
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::CourseToml;

    fn chapter_with(extra: &str) -> (Chapter, Exercise) {
        let text = format!(
            "[chapter]\nnumber = 2\ntitle = \"Locks\"\npage = \"02-locks/index.md\"\n\
             [[exercise]]\nname = \"semaphore\"\nsummary = \"s\"\ndifficulty = 2\n\
             minutes = 30\nhints = [\"a\", \"b\"]\n{extra}"
        );
        let parsed = CourseToml::parse(&text, "course.toml").unwrap();
        let chapter = Chapter {
            dir: "/r/exercises/02-locks".into(),
            folder: "02-locks".into(),
            crate_name: "locks".into(),
            info: parsed.chapter,
            exercises: parsed.exercises.clone(),
        };
        (chapter, parsed.exercises[0].clone())
    }

    #[test]
    fn the_loom_test_runs_in_release_with_its_cfg_and_target_dir() {
        let repo = Repo::at(std::path::Path::new("/r"));
        let (chapter, exercise) =
            chapter_with("loom_test = \"loom_semaphore\"\nloom_cfg = \"locks_loom\"\n");
        let (args, env) = loom_command(&repo, &chapter, &exercise).expect("a loom test");
        assert_eq!(
            args,
            [
                "test",
                "--release",
                "-p",
                "locks",
                "--test",
                "loom_semaphore"
            ]
        );
        assert_eq!(env[0].0, "RUSTFLAGS");
        assert!(
            env[0].1.to_string_lossy().starts_with("--cfg locks_loom"),
            "{:?}",
            env[0].1
        );
        assert_eq!(env[1], ("CARGO_TARGET_DIR".into(), "/r/target/loom".into()));
    }

    #[test]
    fn without_loom_keys_there_is_no_loom_run() {
        let repo = Repo::at(std::path::Path::new("/r"));
        let (chapter, exercise) = chapter_with("");
        assert!(loom_command(&repo, &chapter, &exercise).is_none());
    }
}
