//! The classroom kit, run as a student or a teacher would: `list`'s progress
//! bars, `watch`, `reset` and `export-student`, on copies of the fixture
//! repository (tests/fixtures/repo). The export of the real course, which
//! builds it from scratch, is `real_course_export_works_for_a_student`
//! (ignored by default: run it with `--ignored`).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use course::course::Course;
use course::repo::Repo;
use course::state::State;
use testkit::within;

mod common;
use common::copy_dir;

/// A cargo build of the fixture from scratch, on a loaded machine.
const BUILD_DEADLINE: Duration = Duration::from_secs(300);

const GREET: &str = "exercises/01-greetings/src/exercises/greet.rs";
const SHOUT: &str = "exercises/01-greetings/src/exercises/shout.rs";
const GREET_SOLVED: &str =
    "pub fn greet(name: &str) -> String {\n    format!(\"Hello, {name}!\")\n}\n";
const SHOUT_SOLVED: &str =
    "pub fn shout(name: &str) -> String {\n    format!(\"HELLO, {}!\", name.to_uppercase())\n}\n";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("classroom")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A fresh copy of the fixture repository, with the course's templates (which
/// `export-student` reads from the repository it exports), private to `test`.
fn fixture_copy(test: &str) -> PathBuf {
    let copy = scratch(test).join("repo");
    copy_dir(&manifest_dir().join("tests/fixtures/repo"), &copy);
    copy_dir(
        &manifest_dir().join("templates"),
        &copy.join("tools/course/templates"),
    );
    copy
}

/// `course <args>` in `dir`, building in `dir/target` (copies of one
/// repository must not share a target directory), with git kept from looking
/// above `dir`'s parent (the fixture copies live inside the course's own
/// repository).
fn course_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_course"));
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .env("RUST_BACKTRACE", "0");
    command
}

/// Runs `course <args>` in `dir` with `input` on its standard input, with a
/// deadline.
fn course(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = course_command(dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the course binary starts");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    let what = format!("`cargo course {}`", args.join(" "));
    within(
        BUILD_DEADLINE,
        &what,
        "is it waiting for input, or stuck on cargo's build lock?",
        move || child.wait_with_output().unwrap(),
    )
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn both(output: &Output) -> String {
    format!(
        "--- stdout\n{}--- stderr\n{}",
        text(&output.stdout),
        text(&output.stderr)
    )
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@localhost"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", both(&output));
    text(&output.stdout)
}

/// Records in the state file that `file` (relative to `repo`) passed its tests
/// as it is now, as `cargo course test` would after a green run.
fn record_passed(repo: &Path, exercise: &str, file: &str) {
    let repo = Repo::at(repo);
    let mut state = State::load(&repo);
    let contents = std::fs::read(repo.root().join(file)).unwrap();
    state.record(exercise, &contents, true, 2, 0);
    state.save(&repo).unwrap();
}

// ---------------------------------------------------------------- list

#[test]
fn list_shows_a_progress_bar_per_chapter_and_overall() {
    let repo = fixture_copy("list_bars");
    let listed = course(&repo, &["list"], "");
    let out = text(&listed.stdout);
    assert!(listed.status.success(), "{}", both(&listed));
    assert!(
        out.contains("[..........] 0/2 done"),
        "a chapter with nothing done shows an empty bar:\n{out}"
    );
    assert!(
        out.contains(&format!("[{}] 0/2 exercises done.", ".".repeat(30))),
        "the course's bar is empty too:\n{out}"
    );

    std::fs::write(repo.join(GREET), GREET_SOLVED).unwrap();
    record_passed(&repo, "greet", GREET);
    let out = text(&course(&repo, &["list"], "").stdout);
    assert!(
        out.contains("[#####.....] 1/2 done"),
        "one exercise of two done fills half the chapter's bar:\n{out}"
    );
    assert!(
        out.contains(&format!(
            "[{}{}] 1/2 exercises done.",
            "#".repeat(15),
            ".".repeat(15)
        )),
        "{out}"
    );
}

// ---------------------------------------------------------------- watch

/// A running `cargo course watch`, its output read line by line.
struct Watch {
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    fn start(repo: &Path, args: &[&str]) -> Watch {
        let mut child = course_command(repo, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the course binary starts");
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        // Cargo's progress goes to stderr: drain it, or a full pipe would
        // block the watcher.
        let mut stderr = child.stderr.take().unwrap();
        thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        Watch {
            stdin: child.stdin.take(),
            child: Some(child),
            lines,
            seen: Vec::new(),
        }
    }

    /// Reads output until a line contains `needle`; fails after the deadline
    /// with everything printed so far and `likely_cause`.
    fn wait_for(&mut self, needle: &str, likely_cause: &str) {
        let give_up_at = Instant::now() + BUILD_DEADLINE;
        loop {
            let left = give_up_at.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(needle);
                    self.seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(e) => panic!(
                    "watch never printed `{needle}` ({}): {likely_cause}.\nIt printed:\n{}",
                    match e {
                        mpsc::RecvTimeoutError::Timeout =>
                            format!("still running after {BUILD_DEADLINE:?}"),
                        mpsc::RecvTimeoutError::Disconnected => "it exited".to_string(),
                    },
                    self.seen.join("\n")
                ),
            }
        }
    }

    fn type_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        writeln!(stdin, "{line}").expect("watch reads its standard input");
    }

    fn output(&self) -> String {
        self.seen.join("\n")
    }

    /// Closes its input and waits for it to exit, with a deadline.
    fn wait_for_exit(&mut self) -> std::process::ExitStatus {
        drop(self.stdin.take());
        let mut child = self.child.take().expect("still running");
        within(
            Duration::from_secs(60),
            "watch after `q`",
            "the watcher printed that it stopped but did not exit",
            move || child.wait().unwrap(),
        )
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn watch_tests_on_save_and_moves_on_when_the_exercise_passes() {
    let repo = fixture_copy("watch_moves_on");
    let mut watch = Watch::start(&repo, &["watch"]);
    watch.wait_for(
        "not yet implemented: return \"Hello, Ada!\" with format!",
        "the first run should show greet's todo! message",
    );
    watch.wait_for(
        &format!("Watching {GREET} for changes"),
        "after a failing run, watch should wait for the file to change",
    );

    std::fs::write(repo.join(GREET), GREET_SOLVED).unwrap();
    watch.wait_for(
        "`greet` is done: moving on to `shout`",
        "saving the solved file should re-run greet's tests, which pass",
    );
    watch.wait_for(
        &format!("Watching {SHOUT} for changes"),
        "watch should test the next exercise at once and wait for its file",
    );
    let output = watch.output();
    assert!(
        output.contains("ok      greets_by_name"),
        "the summary of the passing run lists the tests:\n{output}"
    );
    assert!(
        output.contains("not yet implemented: return the greeting of"),
        "the next exercise's first run shows its todo! message:\n{output}"
    );

    watch.type_line("h");
    watch.wait_for(
        "Hint for `shout`",
        "`h` + Enter should print the current exercise's hint",
    );
    watch.type_line("q");
    watch.wait_for("Stopped watching.", "`q` + Enter should quit");
    let status = watch.wait_for_exit();
    assert!(status.success(), "watch exits with 0 after `q`: {status}");

    let listed = text(&course(&repo, &["list"], "").stdout);
    assert!(
        listed
            .lines()
            .any(|l| l.contains("greet ") && l.contains("done")),
        "watch records the passing run, as `test` does:\n{listed}"
    );
}

#[test]
fn watch_with_everything_done_says_so_and_exits() {
    let repo = fixture_copy("watch_all_done");
    std::fs::write(repo.join(GREET), GREET_SOLVED).unwrap();
    std::fs::write(repo.join(SHOUT), SHOUT_SOLVED).unwrap();
    record_passed(&repo, "greet", GREET);
    record_passed(&repo, "shout", SHOUT);
    let output = course(&repo, &["watch"], "");
    assert!(output.status.success(), "{}", both(&output));
    assert!(
        text(&output.stdout).contains("Every exercise is done"),
        "{}",
        both(&output)
    );
}

#[test]
fn watch_of_an_unknown_exercise_suggests_a_name() {
    let repo = fixture_copy("watch_unknown");
    let output = course(&repo, &["watch", "shuot"], "");
    assert_eq!(output.status.code(), Some(2), "{}", both(&output));
    assert!(
        text(&output.stderr).contains("Did you mean `shout`?"),
        "{}",
        both(&output)
    );
}

// ---------------------------------------------------------------- reset

#[test]
fn reset_restores_the_handed_out_starter_from_git_and_keeps_a_backup() {
    let repo = fixture_copy("reset_git");
    let starter = std::fs::read_to_string(repo.join(GREET)).unwrap();
    git(&repo, &["init", "--quiet"]);
    git(&repo, &["add", "--all"]);
    git(&repo, &["commit", "--quiet", "-m", "handout"]);
    // The student commits work, then keeps editing.
    std::fs::write(repo.join(GREET), GREET_SOLVED).unwrap();
    git(&repo, &["commit", "--quiet", "-am", "my greet"]);
    let unsaved = "pub fn greet(name: &str) -> String {\n    name.into()\n}\n";
    std::fs::write(repo.join(GREET), unsaved).unwrap();

    let output = course(&repo, &["reset", "greet", "--yes"], "");
    assert!(output.status.success(), "{}", both(&output));
    assert_eq!(
        std::fs::read_to_string(repo.join(GREET)).unwrap(),
        starter,
        "reset should restore the file of the first commit, not the student's commit"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join(format!("{GREET}.bak"))).unwrap(),
        unsaved,
        "the student's version should be kept in greet.rs.bak"
    );
    let out = text(&output.stdout);
    assert!(out.contains("from git, commit"), "{out}");
    assert!(out.contains("greet.rs.bak"), "{out}");

    // A second reset of a starter changes nothing and writes no backup.
    let again = course(&repo, &["reset", "greet", "--yes"], "");
    assert!(
        text(&again.stdout).contains("already the starter code"),
        "{}",
        both(&again)
    );
    assert!(!repo.join(format!("{GREET}.bak.2")).exists());
}

#[test]
fn reset_asks_first_and_changes_nothing_without_a_yes() {
    let repo = fixture_copy("reset_asks");
    let starter = std::fs::read(repo.join(GREET)).unwrap();
    let pristine = repo.join(".course/starters").join(GREET);
    std::fs::create_dir_all(pristine.parent().unwrap()).unwrap();
    std::fs::write(&pristine, &starter).unwrap();
    std::fs::write(repo.join(GREET), GREET_SOLVED).unwrap();

    let refused = course(&repo, &["reset", "greet"], "n\n");
    assert_eq!(refused.status.code(), Some(1), "{}", both(&refused));
    assert!(
        text(&refused.stdout).contains("[y/N]"),
        "{}",
        both(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(repo.join(GREET)).unwrap(),
        GREET_SOLVED
    );
    let no_answer = course(&repo, &["reset", "greet"], "");
    assert_eq!(
        no_answer.status.code(),
        Some(1),
        "no input is no: {}",
        both(&no_answer)
    );

    let accepted = course(&repo, &["reset", "greet"], "y\n");
    assert!(accepted.status.success(), "{}", both(&accepted));
    assert_eq!(std::fs::read(repo.join(GREET)).unwrap(), starter);
    assert!(
        text(&accepted.stdout).contains(".course/starters/"),
        "without git, the starter comes from the pristine copy: {}",
        both(&accepted)
    );
}

#[test]
fn reset_without_git_or_pristine_copy_explains_and_changes_nothing() {
    let repo = fixture_copy("reset_nowhere");
    std::fs::write(repo.join(GREET), GREET_SOLVED).unwrap();
    let output = course(&repo, &["reset", "greet", "--yes"], "");
    assert_eq!(output.status.code(), Some(2), "{}", both(&output));
    assert!(
        text(&output.stderr).contains("cannot find the starter code"),
        "{}",
        both(&output)
    );
    assert_eq!(
        std::fs::read_to_string(repo.join(GREET)).unwrap(),
        GREET_SOLVED
    );
}

// ---------------------------------------------------------------- export-student

/// Every file under `dir`, except under `.git` and `target`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if entry.file_type().unwrap().is_dir() {
                if name != ".git" && name != "target" && name != "node_modules" {
                    pending.push(path);
                }
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// The lines (trimmed, 24 characters or more) of the solution crates and
/// solution pages of `repo` that no other file of the course has: if one of
/// them is in the student copy, a solution leaked.
fn distinctive_solution_lines(repo: &Path) -> BTreeSet<String> {
    let long = |text: &str| -> Vec<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| l.len() >= 24)
            .map(str::to_string)
            .collect()
    };
    let is_solution = |p: &Path| {
        p.starts_with(repo.join("solutions")) || p.starts_with(repo.join("src/solutions"))
    };
    let mut solution = BTreeSet::new();
    let mut others = BTreeSet::new();
    for file in files_under(repo) {
        if file.starts_with(repo.join("book")) {
            continue;
        }
        let Ok(contents) = std::fs::read_to_string(&file) else {
            continue;
        };
        if is_solution(&file) {
            solution.extend(long(&contents));
        } else {
            others.extend(long(&contents));
        }
    }
    solution.difference(&others).cloned().collect()
}

/// Fails naming every file of `export` that holds a line of `distinctive`.
fn assert_no_solution_lines(export: &Path, distinctive: &BTreeSet<String>) {
    let mut leaks = Vec::new();
    for file in files_under(export) {
        let Ok(contents) = std::fs::read_to_string(&file) else {
            continue;
        };
        for line in contents.lines() {
            if distinctive.contains(line.trim()) {
                leaks.push(format!("{}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "the student copy contains solution code:\n{}",
        leaks.join("\n")
    );
}

/// What every student copy must look like, whatever the course.
fn assert_is_a_student_copy(export: &Path) {
    for gone in ["solutions", "src/solutions", ".ci", "target", "book"] {
        assert!(
            !export.join(gone).exists(),
            "the student copy must not have {gone}/"
        );
    }
    let summary = std::fs::read_to_string(export.join("src/SUMMARY.md")).unwrap();
    assert!(
        !summary.contains("solutions/") && !summary.contains("[Solutions]"),
        "SUMMARY.md still lists the solutions:\n{summary}"
    );
    let manifest = std::fs::read_to_string(export.join("Cargo.toml")).unwrap();
    let table: toml::Table = manifest.parse().unwrap();
    for key in ["members", "default-members"] {
        let list = table["workspace"].get(key).and_then(|v| v.as_array());
        assert!(
            list.into_iter()
                .flatten()
                .all(|m| !m.as_str().unwrap().contains("solutions")),
            "`{key}` still names solutions/:\n{manifest}"
        );
    }
    let readme = std::fs::read_to_string(export.join("README.md")).unwrap();
    let book = readme
        .find("cargo course book --open")
        .expect("the README's first command builds the book");
    let watch = readme
        .find("cargo course watch")
        .expect("the README's second command tests");
    assert!(
        book < watch && readme[..book].lines().count() < 12,
        "the two commands come first:\n{readme}"
    );
    assert!(!readme.contains("{{"), "a placeholder was left:\n{readme}");
    assert!(
        export.join(".github/workflows/grade.yml").is_file(),
        "the grading workflow"
    );
    for page in files_under(&export.join("src")) {
        let text = std::fs::read_to_string(&page).unwrap_or_default();
        for (at, _) in text.match_indices("](") {
            let target = text[at + 2..].split(')').next().unwrap_or("");
            assert!(
                !target.contains("solutions/"),
                "{} still links to a solution page: {target}",
                page.display()
            );
        }
        for line in text.lines().filter(|l| l.contains("{{#")) {
            assert!(
                !line.contains("solutions/"),
                "{} still includes solution code: {line}",
                page.display()
            );
        }
    }
}

#[test]
fn export_student_writes_a_repository_without_solutions_that_works() {
    let repo = fixture_copy("export_fixture");
    let export = repo.parent().unwrap().join("student");
    let output = course(&repo, &["export-student", export.to_str().unwrap()], "");
    assert!(output.status.success(), "{}", both(&output));
    assert!(
        text(&output.stdout).contains("no solutions, one git commit"),
        "{}",
        both(&output)
    );
    assert_is_a_student_copy(&export);
    let distinctive = distinctive_solution_lines(&repo);
    assert!(
        distinctive.contains("format!(\"Hello, {name}!\")"),
        "the leak check must know the fixture's solution: {distinctive:?}"
    );
    assert_no_solution_lines(&export, &distinctive);
    assert_eq!(
        std::fs::read(export.join(".course/starters").join(GREET)).unwrap(),
        std::fs::read(repo.join(GREET)).unwrap(),
        "the pristine copy of each exercise file, for `reset`"
    );
    let readme = std::fs::read_to_string(export.join("README.md")).unwrap();
    assert!(
        readme.contains("| 1. Greetings | [`greetings`](exercises/01-greetings/) | `greet`, `shout` | 15 | `cargo test -p greetings` |"),
        "the chapter table:\n{readme}"
    );
    assert_eq!(
        git(&export, &["rev-list", "--count", "HEAD"]).trim(),
        "1",
        "one commit"
    );
    assert_eq!(
        git(&export, &["status", "--porcelain"]),
        "",
        "every file committed"
    );

    // The README's commands, in the copy.
    let listed = course(&export, &["list"], "");
    assert!(listed.status.success(), "{}", both(&listed));
    assert!(text(&listed.stdout).contains("0/2 exercises done."));
    let tested = course(&export, &["test", "greet"], "");
    assert_eq!(tested.status.code(), Some(1), "{}", both(&tested));
    assert!(
        text(&tested.stdout).contains("not yet implemented: return \"Hello, Ada!\""),
        "{}",
        both(&tested)
    );
    std::fs::write(export.join(GREET), GREET_SOLVED).unwrap();
    let reset = course(&export, &["reset", "greet", "--yes"], "");
    assert!(reset.status.success(), "{}", both(&reset));
    assert_eq!(
        std::fs::read(export.join(GREET)).unwrap(),
        std::fs::read(repo.join(GREET)).unwrap()
    );
    let book = course(&export, &["book"], "");
    assert!(book.status.success(), "{}", both(&book));
    assert!(export.join("book/index.html").is_file());
    assert!(
        !export.join("book/solutions").exists(),
        "the built book has no solution pages"
    );
}

#[test]
fn export_student_refuses_a_folder_with_files_in_it() {
    let repo = fixture_copy("export_not_empty");
    let export = repo.parent().unwrap().join("student");
    std::fs::create_dir_all(&export).unwrap();
    std::fs::write(export.join("notes.txt"), "mine").unwrap();
    let output = course(&repo, &["export-student", export.to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(2), "{}", both(&output));
    assert!(
        text(&output.stderr).contains("is not empty"),
        "{}",
        both(&output)
    );
    assert_eq!(std::fs::read_dir(&export).unwrap().count(), 1);
}

#[test]
fn the_leak_check_finds_a_solution_line_in_a_copy() {
    let repo = fixture_copy("export_leak");
    let export = repo.parent().unwrap().join("student");
    let output = course(
        &repo,
        &["export-student", "--no-git", export.to_str().unwrap()],
        "",
    );
    assert!(output.status.success(), "{}", both(&output));
    assert!(
        !export.join(".git").exists(),
        "--no-git makes no repository"
    );
    let repo = Repo::at(&repo);
    assert_eq!(
        course::commands::export::solution_leaks(&repo, &export).unwrap(),
        Vec::<String>::new()
    );
    std::fs::write(
        export.join("notes.rs"),
        "fn copied() -> String {\n    format!(\"Hello, {name}!\")\n}\n",
    )
    .unwrap();
    let leaks = course::commands::export::solution_leaks(&repo, &export).unwrap();
    assert_eq!(leaks.len(), 1, "{leaks:?}");
    assert!(leaks[0].contains("notes.rs:2"), "{leaks:?}");
}

#[test]
fn export_gradescope_writes_the_folder_to_zip() {
    use std::os::unix::fs::PermissionsExt;
    let repo = fixture_copy("export_gradescope");
    let autograder = repo.parent().unwrap().join("autograder");
    let output = course(
        &repo,
        &["export-gradescope", autograder.to_str().unwrap()],
        "",
    );
    assert!(output.status.success(), "{}", both(&output));
    assert!(
        text(&output.stdout).contains("zip -qr ../autograder.zip ."),
        "it says how to zip the folder: {}",
        both(&output)
    );
    for script in ["setup.sh", "run_autograder"] {
        let mode = std::fs::metadata(autograder.join(script))
            .unwrap_or_else(|e| panic!("{script} should be at the root of the zip: {e}"))
            .permissions()
            .mode();
        assert!(mode & 0o111 != 0, "{script} must stay executable: {mode:o}");
    }
    let copy = autograder.join("course");
    assert_is_a_student_copy(&copy);
    assert!(
        copy.join("exercises/01-greetings/tests/greet.rs").is_file(),
        "the pristine tests that grade"
    );
    assert!(!copy.join(".git").exists(), "no repository inside the zip");
}

// ---------------------------------------------------------------- the real course

/// `cargo <args>` in `dir` with its own target directory, with a deadline.
fn cargo_in(dir: &Path, target: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null());
    let what = format!("`cargo {}` in the student copy", args.join(" "));
    within(
        Duration::from_secs(1800),
        &what,
        "a build of the whole course from scratch is slow, but not this slow: a lock held by another cargo?",
        move || command.output().unwrap(),
    )
}

#[test]
#[ignore = "exports and builds the whole course from scratch (several minutes): run with --ignored"]
fn real_course_export_works_for_a_student() {
    let course_root = manifest_dir().join("../..");
    let course_root = course_root.canonicalize().unwrap();
    let dir = scratch("real_export");
    let export = dir.join("student");
    // Kept between runs (it is outside `scratch`): the first build is the slow one.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("classroom-student-target");
    let output = course(
        &course_root,
        &["export-student", export.to_str().unwrap()],
        "",
    );
    assert!(output.status.success(), "{}", both(&output));
    assert_is_a_student_copy(&export);
    let distinctive = distinctive_solution_lines(&course_root);
    assert!(
        distinctive.len() > 50,
        "the leak check must know the solutions: only {} distinctive lines",
        distinctive.len()
    );
    assert_no_solution_lines(&export, &distinctive);

    let locked = cargo_in(
        &export,
        &target,
        &["metadata", "--locked", "--offline", "--format-version", "1"],
    );
    assert!(
        locked.status.success(),
        "Cargo.lock of the copy must match its workspace: {}",
        both(&locked)
    );
    let listed = cargo_in(&export, &target, &["course", "list"]);
    assert!(listed.status.success(), "{}", both(&listed));
    assert!(
        text(&listed.stdout).contains("exercises done."),
        "{}",
        both(&listed)
    );
    let built = cargo_in(&export, &target, &["test", "-p", "threads", "--no-run"]);
    assert!(built.status.success(), "{}", both(&built));

    let student_course = Course::load(&Repo::at(&export)).unwrap();
    let (chapter, exercise) = student_course.exercises().next().unwrap();
    let tested = cargo_in(
        &export,
        &target,
        &["test", "-p", &chapter.crate_name, "--test", &exercise.name],
    );
    assert!(
        !tested.status.success(),
        "the starter code of `{}` must fail its tests",
        exercise.name
    );
    assert!(
        text(&tested.stdout).contains("not yet implemented"),
        "the failure is the todo! message: {}",
        both(&tested)
    );
    let book = cargo_in(&export, &target, &["course", "book"]);
    assert!(book.status.success(), "{}", both(&book));
    assert!(export.join("book/index.html").is_file());
    assert!(!export.join("book/solutions").exists());
}
