//! Check 4: the exercise crate and the solution crate of a chapter share one
//! set of tests; the starter code compiles and fails them with a `todo!`
//! message; the solution passes them.

use std::path::Path;
use std::time::Duration;

use super::{Finding, Report, ok_unless, stem, with_errors};
use crate::cargo::{self, Echo};
use crate::course::{Chapter, Course};
use crate::manifest::Manifest;
use crate::repo::{Repo, files_with_suffix, normalize};
use crate::test_output::{Outcome, TestReport};

/// The checks that read files only.
pub fn check_layout(repo: &Repo, course: &Course) -> Vec<Finding> {
    let mut findings = Vec::new();
    for chapter in &course.chapters {
        findings.extend(check_manifests(repo, chapter));
        findings.extend(check_exercise_files(repo, chapter));
    }
    findings
}

fn check_manifests(repo: &Repo, chapter: &Chapter) -> Vec<Finding> {
    let solution_dir = chapter.solution_dir(repo);
    let shown = repo.rel(&solution_dir.join("Cargo.toml"));
    let solution = match Manifest::read(&solution_dir) {
        Ok(manifest) => manifest,
        Err(error) => {
            return vec![Finding::fail(
                shown,
                format!("{error:#}"),
                format!(
                    "create the solution crate `{}` in solutions/{} (LAYOUT.md)",
                    chapter.solution_crate(),
                    chapter.folder
                ),
            )];
        }
    };
    let exercise = Manifest::read(&chapter.dir).ok();
    let mut problems = Vec::new();
    if solution.package.name != chapter.solution_crate() {
        problems.push(Finding::fail(
            &shown,
            format!("the package is named `{}`", solution.package.name),
            format!("name it `{}`", chapter.solution_crate()),
        ));
    }
    if let Some(exercise) = &exercise
        && solution.lib_name() != exercise.lib_name()
    {
        problems.push(Finding::fail(
            &shown,
            format!(
                "the library is `{}` but the exercise crate's is `{}`: the shared tests could not `use` it",
                solution.lib_name(),
                exercise.lib_name()
            ),
            format!("add [lib] name = \"{}\"", exercise.lib_name()),
        ));
    }
    for (key, value) in [
        ("autotests", solution.package.autotests),
        ("autobins", solution.package.autobins),
    ] {
        if value != Some(false) {
            problems.push(Finding::fail(
                &shown,
                format!("[package] {key} is not false"),
                format!("set {key} = false: the solution's tests and programs are the exercise's, listed by path"),
            ));
        }
    }
    let test_files = top_level_rs(&chapter.dir.join("tests"));
    for test_file in &test_files {
        let listed = solution
            .tests
            .iter()
            .any(|t| t.resolved_path(&solution_dir).as_deref() == Some(test_file.as_path()));
        if !listed {
            let stem = stem(test_file);
            problems.push(Finding::fail(
                &shown,
                format!("does not run {}", repo.rel(test_file)),
                format!(
                    "add [[test]] name = \"{stem}\", path = \"../../exercises/{}/tests/{stem}.rs\"",
                    chapter.folder
                ),
            ));
        }
    }
    for test in &solution.tests {
        let name = test.name.as_deref().unwrap_or("(unnamed)");
        let shared = test
            .resolved_path(&solution_dir)
            .is_some_and(|p| test_files.contains(&p));
        if !shared && !name.starts_with("loom_") {
            problems.push(Finding::fail(
                &shown,
                format!("[[test]] `{name}` is not one of exercises/{}/tests/*.rs", chapter.folder),
                "point it at the exercise's test file, or name it loom_* if it is a model-checking test of the solution only",
            ));
        }
    }
    ok_unless(problems, || {
        format!(
            "{shown}: `{}` runs the {} test file(s) of exercises/{} by path",
            chapter.solution_crate(),
            test_files.len(),
            chapter.folder
        )
    })
}

fn check_exercise_files(repo: &Repo, chapter: &Chapter) -> Vec<Finding> {
    let solution_dir = chapter.solution_dir(repo);
    let mut findings = Vec::new();
    for exercise in &chapter.exercises {
        let mut problems = Vec::new();
        let name = &exercise.name;
        let starter = chapter.exercise_file(exercise);
        let solved = solution_dir
            .join("src/exercises")
            .join(format!("{name}.rs"));
        let tests = chapter.test_file(exercise);
        for file in [&starter, &solved, &tests] {
            if !file.is_file() {
                problems.push(Finding::fail(
                    repo.rel(file),
                    format!(
                        "is missing (exercise `{name}` of exercises/{}/course.toml)",
                        chapter.folder
                    ),
                    "create it, or remove the exercise from course.toml",
                ));
            }
        }
        for mod_rs in [
            chapter.dir.join("src/exercises/mod.rs"),
            solution_dir.join("src/exercises/mod.rs"),
        ] {
            let text = std::fs::read_to_string(&mod_rs).unwrap_or_default();
            if !text.contains(&format!("pub mod {name};")) {
                problems.push(Finding::fail(
                    repo.rel(&mod_rs),
                    format!("does not declare `pub mod {name};`"),
                    "declare the module, so that the exercise is compiled and the tests can use it",
                ));
            }
        }
        let levels = crate::commands::hint::levels(exercise).len();
        if levels < crate::course::MIN_HINT_LEVELS {
            problems.push(Finding::fail(
                format!("exercises/{}/course.toml", chapter.folder),
                format!(
                    "exercise `{name}` has {levels} hint level(s); it needs at least {}",
                    crate::course::MIN_HINT_LEVELS
                ),
                "write hints = [\"a nudge: what to think about\", \"the approach\", \"details\"], \
                 no full solution",
            ));
        }
        findings.extend(ok_unless(problems, || {
            format!("exercise `{name}`: starter, solution, tests/{name}.rs and a hint in {levels} levels")
        }));
    }
    for file in top_level_rs(&chapter.dir.join("src/exercises")) {
        let stem = stem(&file);
        if stem != "mod" && !chapter.exercises.iter().any(|e| e.name == stem) {
            findings.push(Finding::fail(
                repo.rel(&file),
                "is an exercise file that course.toml does not list",
                format!(
                    "add an [[exercise]] name = \"{stem}\" to exercises/{}/course.toml",
                    chapter.folder
                ),
            ));
        }
    }
    findings
}

/// The `.rs` files directly in `dir` (not in sub-folders), normalized.
fn top_level_rs(dir: &Path) -> Vec<std::path::PathBuf> {
    files_with_suffix(dir, ".rs")
        .into_iter()
        .filter(|p| p.parent() == Some(dir))
        .map(|p| normalize(&p))
        .collect()
}

/// The checks that build and run the crates.
pub fn check_with_cargo(repo: &Repo, course: &Course, report: &mut Report) {
    for chapter in &course.chapters {
        let krate = &chapter.crate_name;
        let Some(built) = run(repo, &["test", "-p", krate, "--no-run"], report) else {
            continue;
        };
        if !built.success {
            report.add(Finding::fail(
                repo.rel(&chapter.dir),
                with_errors("the exercise crate does not compile", &built.stderr),
                "starter code must compile: give every function its real signature and a todo!(\"...\") body",
            ));
            continue;
        }
        report.add(Finding::ok(format!(
            "crate `{krate}` compiles with its tests"
        )));
        if let Some(doc) = run(repo, &["test", "-p", krate, "--doc"], report) {
            report.add(compile_fail_outcome(repo, chapter, &doc));
        }
        for exercise in &chapter.exercises {
            let name = &exercise.name;
            if let Some(outcome) = run_bounded(repo, &["test", "-p", krate, "--test", name], report)
            {
                report.add(starter_outcome(repo, chapter, name, &outcome));
            }
        }
        let solution = chapter.solution_crate();
        if let Some(outcome) = run_bounded(repo, &["test", "-p", &solution], report) {
            report.add(solution_outcome(repo, chapter, &outcome));
        }
    }
}

/// How long a test run of one crate may take once it is built. The tests
/// put a deadline on everything that can block, so a run that lasts longer
/// has a test without one: against the starter code, that test would hang
/// a student's `cargo test` (and CI) instead of failing with a message.
const TEST_RUN_DEADLINE: Duration = Duration::from_secs(300);

/// Notes and runs `cargo <args>` (a test run of a built crate) with
/// [`TEST_RUN_DEADLINE`]; a run still going then is killed and reported.
fn run_bounded(repo: &Repo, args: &[&str], report: &mut Report) -> Option<cargo::CargoRun> {
    report.note(&format!("cargo {}", args.join(" ")));
    match cargo::run_within(repo.root(), args, TEST_RUN_DEADLINE) {
        Ok(Some(outcome)) => Some(outcome),
        Ok(None) => {
            report.add(Finding::fail(
                format!("cargo {}", args.join(" ")),
                format!(
                    "still running after {} s, and killed: a test hangs",
                    TEST_RUN_DEADLINE.as_secs()
                ),
                "put a deadline on every call that can block (testkit::within, recv_timeout, \
                 testkit::Rendezvous), so that a starter's todo!() or a wrong solution fails \
                 the test instead of hanging it",
            ));
            None
        }
        Err(error) => {
            report.add(cargo_did_not_run(args, &error));
            None
        }
    }
}

/// Notes and runs `cargo <args>`, with no deadline (a build).
fn run(repo: &Repo, args: &[&str], report: &mut Report) -> Option<cargo::CargoRun> {
    report.note(&format!("cargo {}", args.join(" ")));
    match cargo::run(repo.root(), args, Echo::Quiet) {
        Ok(outcome) => Some(outcome),
        Err(error) => {
            report.add(cargo_did_not_run(args, &error));
            None
        }
    }
}

fn cargo_did_not_run(args: &[&str], error: &anyhow::Error) -> Finding {
    Finding::fail(
        format!("cargo {}", args.join(" ")),
        format!("{error:#}"),
        "make sure cargo runs in this repository",
    )
}

/// Judges a run of an exercise's tests against the starter code: it must
/// fail, and with a `todo!` message.
pub fn starter_outcome(
    repo: &Repo,
    chapter: &Chapter,
    name: &str,
    outcome: &cargo::CargoRun,
) -> Finding {
    let place = format!("exercises/{}/tests/{name}.rs", chapter.folder);
    let report = TestReport::parse(&outcome.stdout);
    if report.binaries_started == 0 {
        return Finding::fail(
            place,
            with_errors("did not run against the starter code", &outcome.stderr),
            "make the test file compile against the starter signatures",
        );
    }
    if outcome.success {
        return Finding::fail(
            place,
            format!(
                "all {} test(s) pass against the starter code",
                report.totals.passed
            ),
            format!(
                "the tests must fail until the exercise is solved: check that {} still calls todo!() and that the tests call it",
                repo.rel(&chapter.dir.join("src/exercises").join(format!("{name}.rs")))
            ),
        );
    }
    if !report.mentions_todo() {
        return Finding::fail(
            place,
            "fails against the starter code, but no failure shows a todo! message (\"not yet implemented\")",
            "the starter's bodies should be todo!(\"what to do\"), and the tests should reach them (a deadline or an earlier assertion may hide it)",
        );
    }
    let passing = report.passed_names();
    let failed = report.failed_names().len();
    let note = if passing.is_empty() {
        String::new()
    } else {
        format!(
            " (passing already, against the starter: {})",
            passing.join(", ")
        )
    };
    Finding::ok(format!(
        "{place}: {failed} test(s) fail against the starter code with a todo! message{note}"
    ))
}

/// Judges the doctests of an exercise crate: its `compile_fail` doctests
/// (the snippets the book shows as not compiling) must all pass. Other
/// doctests may call the starter's `todo!()`s, so they are not judged here.
fn compile_fail_outcome(repo: &Repo, chapter: &Chapter, outcome: &cargo::CargoRun) -> Finding {
    let report = TestReport::parse(&outcome.stdout);
    let place = repo.rel(&chapter.dir);
    if report.binaries_started == 0 {
        return Finding::fail(
            place,
            with_errors("the doctests did not run", &outcome.stderr),
            "fix the doc comments so that rustdoc can build them",
        );
    }
    let compile_fail: Vec<_> = report
        .cases
        .iter()
        .filter(|c| c.name.ends_with("- compile fail"))
        .collect();
    let wrong: Vec<&str> = compile_fail
        .iter()
        .filter(|c| c.outcome == Outcome::Failed)
        .map(|c| c.name.as_str())
        .collect();
    if wrong.is_empty() {
        Finding::ok(format!(
            "crate `{}`: {} compile_fail doctest(s) fail to compile as they should",
            chapter.crate_name,
            compile_fail.len()
        ))
    } else {
        Finding::fail(
            place,
            format!(
                "compile_fail doctest(s) that compile, or fail with another error code: {}",
                wrong.join(", ")
            ),
            format!(
                "run `cargo test -p {} --doc` and compare the compiler's error code with the one after compile_fail,",
                chapter.crate_name
            ),
        )
    }
}

/// Judges the run of the solution crate's tests: it must pass entirely.
fn solution_outcome(repo: &Repo, chapter: &Chapter, outcome: &cargo::CargoRun) -> Finding {
    let what = format!("`{}` passes every test", chapter.solution_crate());
    let report = TestReport::parse(&outcome.stdout);
    if outcome.success && report.totals.failed == 0 {
        return Finding::ok(format!("{what} ({} passed)", report.totals.passed));
    }
    let mut details: Vec<String> = report
        .failures
        .iter()
        .map(|f| {
            let message = f
                .panics
                .last()
                .map(|p| p.message.lines().next().unwrap_or("").to_string())
                .or_else(|| f.notes.first().cloned())
                .unwrap_or_default();
            format!("{}: {message}", f.name)
        })
        .collect();
    if details.is_empty() {
        details = cargo::error_lines(&outcome.stderr, 10);
    }
    Finding::fail(
        repo.rel(&chapter.solution_dir(repo)),
        format!("{what}: no\n{}", details.join("\n")),
        "fix the solution (or the test): the solution crate must pass the exercise's tests",
    )
}
