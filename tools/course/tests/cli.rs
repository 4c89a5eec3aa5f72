//! `cargo course` run as a student or an author would, against the fixture
//! repository (tests/fixtures/repo). Read-only commands run on the fixture
//! itself; commands that write (test results, the book) run on a copy.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::copy_dir;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/repo")
}

/// A fresh copy of the fixture repository, private to one test.
fn fixture_copy(test: &str) -> PathBuf {
    let copy = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("course-fixtures")
        .join(test);
    let _ = std::fs::remove_dir_all(&copy);
    copy_dir(&fixture(), &copy);
    copy
}

/// Runs `course <args>` in `dir`. Nested cargo commands build in the
/// repository's own target/ (never a shared one: cargo names the artifacts of
/// path packages by their path relative to the workspace, so copies of one
/// fixture would take each other's builds for up to date).
fn course(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_course"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the course binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn list_shows_chapters_exercises_and_progress() {
    let output = course(&fixture().join("src/01-greetings"), &["list"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(text.contains("Chapter 1: Greetings"), "{text}");
    let greet = text
        .lines()
        .find(|l| l.contains("greet "))
        .expect("a line for greet");
    assert!(greet.contains("not started"), "{greet}");
    assert!(
        greet.contains("5 min") && greet.contains("Greet someone by name"),
        "{greet}"
    );
    let shout = text
        .lines()
        .find(|l| l.contains("shout"))
        .expect("a line for shout");
    assert!(shout.contains("**") && shout.contains("10 min"), "{shout}");
    assert!(text.contains("0/2 exercises done."), "{text}");
}

#[test]
fn hint_shows_the_hint_the_file_and_the_command() {
    let output = course(&fixture(), &["hint", "greet"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(
        text.contains("Use format! to build the greeting."),
        "{text}"
    );
    assert!(
        text.contains("exercises/01-greetings/src/exercises/greet.rs"),
        "{text}"
    );
    assert!(text.contains("cargo course test greet"), "{text}");
    assert!(
        text.contains("cargo test -p greetings --test greet"),
        "{text}"
    );
}

#[test]
fn an_unknown_exercise_gets_a_suggestion_and_the_list() {
    let output = course(&fixture(), &["hint", "gret"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("Did you mean `greet`?"), "{text}");
    assert!(text.contains("greet, shout"), "{text}");
}

#[test]
fn outside_a_course_repository_the_error_says_where_to_run() {
    let output = course(Path::new("/"), &["list"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no course repository found"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn test_explains_a_failure_then_records_success() {
    let repo = fixture_copy("test_explains");
    let failed = course(&repo, &["test", "greet"]);
    let text = stdout(&failed);
    assert_eq!(failed.status.code(), Some(1), "{text}{}", stderr(&failed));
    assert!(text.contains("greet: 0 passed, 2 failed"), "{text}");
    assert!(text.contains("FAILED  greets_by_name"), "{text}");
    assert!(
        text.contains("not yet implemented: return \"Hello, Ada!\" with format!"),
        "{text}"
    );
    assert!(
        text.contains("Use format! to build the greeting."),
        "the hint: {text}"
    );
    assert!(
        text.contains("cargo course test greet"),
        "the next command: {text}"
    );

    // Edited but still wrong: in progress.
    let file = repo.join("exercises/01-greetings/src/exercises/greet.rs");
    std::fs::write(
        &file,
        "pub fn greet(name: &str) -> String {\n    name.to_string()\n}\n",
    )
    .unwrap();
    let listed = stdout(&course(&repo, &["list"]));
    assert!(
        listed
            .lines()
            .any(|l| l.contains("greet ") && l.contains("in progress")),
        "{listed}"
    );

    // Solved: done, and the next exercise is suggested.
    std::fs::write(
        &file,
        "pub fn greet(name: &str) -> String {\n    format!(\"Hello, {name}!\")\n}\n",
    )
    .unwrap();
    let passed = course(&repo, &["test", "greet"]);
    let text = stdout(&passed);
    assert!(passed.status.success(), "{text}{}", stderr(&passed));
    assert!(text.contains("ok      greets_by_name"), "{text}");
    assert!(text.contains("1/2 exercises done"), "{text}");
    assert!(text.contains("cargo course test shout"), "{text}");
    let listed = stdout(&course(&repo, &["list"]));
    assert!(
        listed
            .lines()
            .any(|l| l.contains("greet ") && l.contains("done")),
        "{listed}"
    );
    assert!(listed.contains("1/2 exercises done."), "{listed}");

    // Changed after passing: in progress again.
    std::fs::write(
        &file,
        "pub fn greet(name: &str) -> String {\n    format!(\"Hi, {name}!\")\n}\n",
    )
    .unwrap();
    let listed = stdout(&course(&repo, &["list"]));
    assert!(
        listed
            .lines()
            .any(|l| l.contains("greet ") && l.contains("in progress")),
        "{listed}"
    );
}

#[test]
fn list_check_runs_the_tests() {
    let repo = fixture_copy("list_check");
    std::fs::write(
        repo.join("exercises/01-greetings/src/exercises/shout.rs"),
        "pub fn shout(name: &str) -> String {\n    format!(\"HELLO, {}!\", name.to_uppercase())\n}\n",
    )
    .unwrap();
    let output = course(&repo, &["list", "--check"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(
        text.lines()
            .any(|l| l.contains("shout") && l.contains("done")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("greet ") && l.contains("not started")),
        "{text}"
    );
}

#[test]
fn verify_passes_on_the_fixture_and_builds_the_book() {
    let repo = fixture_copy("verify_full");
    let output = course(&repo, &["verify"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(!text.contains("FAIL"), "{text}");
    assert!(
        text.contains("2 test(s) fail against the starter code with a todo! message"),
        "{text}"
    );
    assert!(
        text.contains("1 compile_fail doctest(s) fail to compile as they should"),
        "{text}"
    );
    assert!(
        text.contains("`greetings-solution` passes every test"),
        "{text}"
    );
    assert!(repo.join("book/index.html").is_file());
}

#[test]
fn verify_quick_reports_broken_rules_with_a_fix() {
    let repo = fixture_copy("verify_broken");
    // An anchor renamed in the code, a program no page shows, a solution page
    // listed outside "Solutions", and a solution file included by a chapter page.
    let demo = repo.join("exercises/01-greetings/src/demos/hello.rs");
    let code = std::fs::read_to_string(&demo)
        .unwrap()
        .replace("greeting\n", "salutation\n");
    std::fs::write(&demo, code).unwrap();
    std::fs::write(
        repo.join("exercises/01-greetings/src/bin/unshown.rs"),
        "fn main() {}\n",
    )
    .unwrap();
    let summary = std::fs::read_to_string(repo.join("src/SUMMARY.md"))
        .unwrap()
        .replace(
            "- [Farewells]()",
            "- [Farewells]()\n- [Peek](solutions/01-greetings.md)",
        );
    std::fs::write(repo.join("src/SUMMARY.md"), summary).unwrap();
    let page = repo.join("src/01-greetings/exercises.md");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str(
        "\n```rust\n{{#include ../../solutions/01-greetings/src/exercises/greet.rs:greet}}\n```\n",
    );
    std::fs::write(&page, text).unwrap();

    let output = course(&repo, &["verify", "--quick"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    for expected in [
        "FAIL  src/01-greetings/index.md:10: exercises/01-greetings/src/demos/hello.rs has no anchor `greeting`",
        "the book never shows `cargo run -p greetings --bin unshown`",
        "declares no program `sol_unshown`",
        "the solution page solutions/01-greetings.md is listed outside the \"Solutions\" entry",
        "includes ../../solutions/01-greetings/src/exercises/greet.rs from solutions/",
        "cargo builds and test runs skipped (--quick)",
    ] {
        assert!(text.contains(expected), "expected `{expected}` in:\n{text}");
    }
    assert!(text.contains("fix: "), "{text}");
}

#[test]
fn book_builds_and_prints_where() {
    let repo = fixture_copy("book");
    let output = course(&repo, &["book"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(text.contains("book/index.html"), "{text}");
    let page = std::fs::read_to_string(repo.join("book/01-greetings/index.html")).unwrap();
    assert!(page.contains("Hello, world!"), "the include was expanded");
}

#[test]
fn book_shows_mdbooks_warnings_and_fails() {
    let repo = fixture_copy("book_broken");
    let page = repo.join("src/01-greetings/index.md");
    let text = std::fs::read_to_string(&page)
        .unwrap()
        .replace("python/hello.py", "python/missing.py");
    std::fs::write(&page, text).unwrap();
    let output = course(&repo, &["book"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let errors = stderr(&output);
    assert!(
        errors.contains("mdbook error") && errors.contains("missing.py"),
        "{errors}"
    );
}

#[test]
fn book_open_without_a_browser_prints_the_address() {
    let repo = fixture_copy("book_open");
    let output = Command::new(env!("CARGO_BIN_EXE_course"))
        .args(["book", "--open"])
        .current_dir(&repo)
        .env_remove("BROWSER")
        .env("PATH", repo.join("no-programs-here"))
        .output()
        .expect("the course binary runs");
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(text.contains("No browser was found"), "{text}");
    assert!(
        text.contains("file:///") && text.contains("book/index.html"),
        "{text}"
    );
}
