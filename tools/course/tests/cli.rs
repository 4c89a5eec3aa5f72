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
fn hint_shows_one_more_level_each_time_the_file_and_the_command() {
    // `hint` remembers the level reached in the state file: a copy.
    let repo = fixture_copy("hint_levels");
    let first = course(&repo, &["hint", "greet"]);
    let text = stdout(&first);
    assert!(first.status.success(), "{text}{}", stderr(&first));
    assert!(text.contains("Level 1 of 3:"), "{text}");
    assert!(
        text.contains("Which macro builds a String from a template and values?"),
        "the nudge first: {text}"
    );
    assert!(
        !text.contains("Use format! to build the greeting."),
        "only the first level: {text}"
    );
    assert!(
        text.contains("Run `cargo course hint greet` again for level 2"),
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

    let second = stdout(&course(&repo, &["hint", "greet"]));
    assert!(second.contains("Level 2 of 3:"), "{second}");
    assert!(
        second.contains("Use format! to build the greeting."),
        "{second}"
    );
    let third = stdout(&course(&repo, &["hint", "greet"]));
    assert!(third.contains("Level 3 of 3:"), "{third}");
    assert!(third.contains("That is the last level"), "{third}");
    let again = stdout(&course(&repo, &["hint", "greet"]));
    assert!(
        again.contains("Level 3 of 3:"),
        "stays at the last level: {again}"
    );

    let other = stdout(&course(&repo, &["hint", "shout"]));
    assert!(
        other.contains("Level 1 of 2:"),
        "each exercise has its own level: {other}"
    );

    let all = stdout(&course(&fixture(), &["hint", "shout", "--all"]));
    assert!(
        all.contains("Level 1 of 2:") && all.contains("Level 2 of 2:"),
        "{all}"
    );
    assert!(all.contains("str::to_uppercase does the work."), "{all}");
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
        text.contains("There is a hint in 3 levels, a nudge first: cargo course hint greet"),
        "a failure says that a hint exists: {text}"
    );
    assert!(
        !text.contains("Use format! to build the greeting."),
        "and does not print it: {text}"
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
    for expected in [
        "exercise `greet`: 2 clause(s), each with a promise and existing tests",
        "solutions/01-greetings/{wrong,alt}/greet: 4 known-wrong and 1 alternative solution(s)",
        "greet wrong/ignores-the-name.rs: fails with \"even an empty one\"",
        "shout alt/ascii-uppercase.rs: passes",
        "known-wrong pass: 10 file(s), 0 failed",
    ] {
        assert!(text.contains(expected), "expected `{expected}` in:\n{text}");
    }
}

#[test]
fn the_known_wrong_pass_rejects_a_wrong_solution_that_passes_and_bad_headers() {
    let repo = fixture_copy("known_wrong");
    let wrong = repo.join("solutions/01-greetings/wrong/greet");
    // A "wrong" solution the tests accept, one whose message is not the
    // tests', and a header without EXPECT.
    std::fs::write(
        wrong.join("actually-right.rs"),
        "//! WRONG: nothing wrong at all\n//! EXPECT: greet should say hello\n\n\
         pub fn greet(name: &str) -> String {\n    format!(\"Hello, {name}!\")\n}\n",
    )
    .unwrap();
    std::fs::write(
        wrong.join("other-message.rs"),
        "//! WRONG: says hi\n//! EXPECT: a message no test prints\n\n\
         pub fn greet(name: &str) -> String {\n    format!(\"Hi, {name}!\")\n}\n",
    )
    .unwrap();
    // A file that names a clause its first failure does not name, and one
    // that names a clause the exercise does not have.
    std::fs::write(
        wrong.join("names-another-clause.rs"),
        "//! WRONG: no comma without a name\n//! EXPECT: even an empty one\n//! CLAUSE: 1\n\n\
         pub fn greet(name: &str) -> String {\n    if name.is_empty() {\n        \
         \"Hello!\".to_string()\n    } else {\n        format!(\"Hello, {name}!\")\n    }\n}\n",
    )
    .unwrap();
    std::fs::write(
        wrong.join("no-such-clause.rs"),
        "//! WRONG: says hi\n//! EXPECT: greet should say hello\n//! CLAUSE: 9\n\n\
         pub fn greet(name: &str) -> String {\n    format!(\"Hi, {name}!\")\n}\n",
    )
    .unwrap();
    std::fs::write(
        wrong.join("no-expect.rs"),
        "//! WRONG: says hi\n\npub fn greet(name: &str) -> String {\n    format!(\"Hi, {name}!\")\n}\n",
    )
    .unwrap();
    std::fs::remove_file(repo.join("solutions/01-greetings/alt/shout/ascii-uppercase.rs")).unwrap();
    let output = course(
        &repo,
        &[
            "verify",
            "--only",
            "known-wrong",
            "--exercise",
            "greet",
            "--exercise",
            "shout",
        ],
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    for expected in [
        "greet wrong/actually-right.rs: the tests PASS with this mistake",
        "greet wrong/other-message.rs: the tests fail, but \"a message no test prints\" is not in the 40 lines",
        "solutions/01-greetings/wrong/greet/no-expect.rs: bad header: the second line must be `//! EXPECT:",
        "exercise `shout` has 0 alternative solution(s); it needs at least 1",
        "greet wrong/no-comma.rs: fails with \"greet should say hello\"",
        "greet wrong/hi-instead-of-hello.rs: fails with \"greet should say hello\"",
        "greet wrong/names-another-clause.rs: fails with \"even an empty one\"",
        "review: the first failure does not name the clause this mistake breaks \
         (\"clause 1\" is not in the 40 lines",
        "solutions/01-greetings/wrong/greet/no-such-clause.rs: bad header: `//! CLAUSE: 9`, but \
         exercise `greet` has no clause 9",
    ] {
        assert!(text.contains(expected), "expected `{expected}` in:\n{text}");
    }
    let table = text.split("exercise ").last().unwrap_or_default();
    assert!(
        table.contains("verdict") || text.contains("seconds"),
        "the table: {text}"
    );

    // Unchanged passing entries come from the cache the second time.
    let again = stdout(&course(
        &repo,
        &["verify", "--only", "known-wrong", "--exercise", "shout"],
    ));
    assert!(
        again.contains("shout wrong/lowercase.rs: fails with") && again.contains("(cached)"),
        "{again}"
    );
    let unknown = course(
        &repo,
        &["verify", "--only", "known-wrong", "--exercise", "nope"],
    );
    assert_eq!(unknown.status.code(), Some(2), "{}", stdout(&unknown));
}

#[test]
fn the_student_copy_has_no_known_wrong_or_alternative_solution() {
    let repo = fixture_copy("export_no_wrong");
    // `export-student` reads the course's templates from the repository.
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
        &repo.join("tools/course/templates"),
    );
    let wrong_and_alt: Vec<(PathBuf, String)> = ["wrong", "alt"]
        .iter()
        .flat_map(|kind| {
            let dir = repo.join("solutions/01-greetings").join(kind);
            std::fs::read_dir(dir).unwrap().flat_map(|ex| {
                std::fs::read_dir(ex.unwrap().path())
                    .unwrap()
                    .map(|f| f.unwrap().path())
                    .collect::<Vec<_>>()
            })
        })
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path, text)
        })
        .collect();
    assert_eq!(wrong_and_alt.len(), 10, "the fixture has 10 such files");
    for command in ["export-student", "export-gradescope"] {
        let export = repo.parent().unwrap().join(format!("{command}-copy"));
        let _ = std::fs::remove_dir_all(&export);
        let mut args = vec![command, export.to_str().unwrap()];
        if command == "export-student" {
            args.insert(1, "--no-git");
        }
        let output = course(&repo, &args);
        assert!(
            output.status.success(),
            "{}{}",
            stdout(&output),
            stderr(&output)
        );
        let mut pending = vec![export.clone()];
        let mut files = 0;
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    let name = entry.file_name();
                    assert!(
                        name != "wrong" && name != "alt",
                        "{command} copied a {} folder: {}",
                        name.to_string_lossy(),
                        path.display()
                    );
                    pending.push(path);
                    continue;
                }
                files += 1;
                let contents = std::fs::read_to_string(&path).unwrap_or_default();
                for (original, text) in &wrong_and_alt {
                    assert!(
                        contents != *text && !contents.contains(text.lines().next().unwrap()),
                        "{command} copied {} into {}",
                        original.display(),
                        path.display()
                    );
                }
            }
        }
        assert!(files > 10, "{command} wrote the course: {files} files");
    }
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
