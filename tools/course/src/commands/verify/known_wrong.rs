//! Check 7: the known-wrong solutions fail their exercise's tests, every
//! time, quickly, with their message first; the alternative solutions pass.
//!
//! `solutions/NN-name/wrong/<exercise>/<slug>.rs` and
//! `solutions/NN-name/alt/<exercise>/<slug>.rs` are drop-in replacements for
//! `exercises/NN-name/src/exercises/<exercise>.rs` (tools/course/LAYOUT.md,
//! "Known-wrong and alternative solutions"). Each is swapped into a scratch
//! copy of the workspace (`target/course/known-wrong/ws`, built in its own
//! target directory that persists across runs, so that a swap recompiles one
//! crate), its tests are built, and the test binary is run with a hard
//! deadline. Building the next swap overlaps with running the previous one.
//!
//! Also checked without running anything: the headers, the minimum number of
//! files per exercise, rustfmt, and that the exercise tests put a deadline
//! around the calls that block.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::{Finding, Report};
use crate::course::{Chapter, Course};
use crate::repo::Repo;
use crate::state::hash;
use crate::test_output::first_failure_lines;

/// Known-wrong solutions each exercise must have, at least.
pub const MIN_WRONG: usize = 4;
/// Alternative correct solutions each exercise must have, at least.
pub const MIN_ALT: usize = 1;
/// EXPECT must appear within this many lines after the first `---- `
/// failure header of the test output: what a student reads first.
pub const EXPECT_WINDOW: usize = 40;
/// A wrong solution's test binary must fail within this time on an idle
/// machine (multiplied by the load factor, see [`load_factor`]).
pub const FAIL_WITHIN: Duration = Duration::from_secs(10);
/// A test binary still running after this is killed, with its process
/// group: a test without a deadline.
pub const KILL_AFTER: Duration = Duration::from_secs(60);
/// Building one swap (the first one builds the dependencies too).
pub const BUILD_DEADLINE: Duration = Duration::from_secs(1200);
/// Part of every cache key: change it when the rules change.
const RULES_VERSION: &str = "known-wrong rules 1";

/// Which of the two folders a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    Wrong,
    Alt,
}

impl Folder {
    fn dir_name(self) -> &'static str {
        match self {
            Folder::Wrong => "wrong",
            Folder::Alt => "alt",
        }
    }
}

/// What a file's header says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `//! WRONG: <mistake>` then `//! EXPECT: <text the tests must print>`.
    Wrong { mistake: String, expect: String },
    /// `//! ALT: <approach>`.
    Alt { approach: String },
}

/// Reads the header of a file in `folder`: its first lines of inner doc
/// comments. Returns what is wrong with it, in words, when it is not right.
pub fn parse_header(text: &str, folder: Folder) -> Result<Kind, String> {
    let mut lines = text.lines();
    let first = lines.next();
    match folder {
        Folder::Wrong => {
            let mistake = header_value(first, "WRONG").ok_or(
                "the first line must be `//! WRONG: <the mistake, in a few words>`".to_string(),
            )?;
            let expect = header_value(lines.next(), "EXPECT").ok_or(
                "the second line must be `//! EXPECT: <text the tests print for this mistake>`"
                    .to_string(),
            )?;
            Ok(Kind::Wrong {
                mistake: mistake.to_string(),
                expect: expect.to_string(),
            })
        }
        Folder::Alt => {
            let approach = header_value(first, "ALT").ok_or(
                "the first line must be `//! ALT: <the other approach, in a few words>`"
                    .to_string(),
            )?;
            Ok(Kind::Alt {
                approach: approach.to_string(),
            })
        }
    }
}

/// The text after `//! KEY:` on `line`, if there is some.
fn header_value<'a>(line: Option<&'a str>, key: &str) -> Option<&'a str> {
    let value = line?
        .strip_prefix("//! ")?
        .strip_prefix(key)?
        .strip_prefix(':')?
        .trim();
    (!value.is_empty()).then_some(value)
}

/// One known-wrong or alternative solution.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Index of its chapter in `Course::chapters`.
    pub chapter: usize,
    pub exercise: String,
    pub file: PathBuf,
    /// `wrong/<slug>.rs` or `alt/<slug>.rs`, for the table.
    pub shown: String,
    pub kind: Kind,
    pub text: String,
}

/// Which exercises `--exercise` selected: every one when the list is empty;
/// otherwise those named, and every exercise of the chapters named (by
/// number, folder or crate name).
#[derive(Debug, Clone, Default)]
pub struct Selection(pub Vec<String>);

impl Selection {
    pub fn includes(&self, chapter: &Chapter, exercise: &str) -> bool {
        self.0.is_empty()
            || self.0.iter().any(|s| {
                s == exercise
                    || *s == chapter.folder
                    || *s == chapter.crate_name
                    || *s == chapter.info.number.to_string()
            })
    }

    /// Fails when a name selects nothing.
    pub fn check(&self, course: &Course) -> Result<()> {
        for name in &self.0 {
            let found = course
                .exercises()
                .any(|(c, e)| Selection(vec![name.clone()]).includes(c, &e.name));
            if !found {
                let mut names: Vec<String> = course.names().iter().map(|n| n.to_string()).collect();
                names.extend(course.chapters.iter().map(|c| c.folder.clone()));
                bail!(
                    "--exercise {name}: no exercise or chapter has that name.\nNames: {}",
                    names.join(", ")
                );
            }
        }
        Ok(())
    }
}

/// Options of the pass.
#[derive(Debug, Clone)]
pub struct Options {
    pub selection: Selection,
    /// Runs of each test binary (a wrong solution must fail every one).
    pub runs: u32,
    /// Ignore cached results.
    pub fresh: bool,
    /// Only the checks that run nothing.
    pub quick: bool,
}

/// Everything this module checks, added to `report`.
pub fn check(repo: &Repo, course: &Course, options: &Options, report: &mut Report) {
    let started = Instant::now();
    let (entries, findings) = inventory(repo, course, &options.selection);
    report.extend(findings);
    report.extend(check_rustfmt(repo, &entries));
    report.section("7b. exercise tests put a deadline around what blocks");
    report.extend(check_test_deadlines(repo, course, &options.selection));
    if options.quick {
        report.note("known-wrong and alternative solutions not run (--quick)");
        return;
    }
    report
        .section("7c. each known-wrong solution fails, with its message; each alternative passes");
    match run_all(repo, course, &entries, options, report) {
        Ok(rows) => print_table(&rows, started.elapsed()),
        Err(error) => report.add(Finding::fail(
            "target/course/known-wrong",
            format!("{error:#}"),
            "fix the problem above (a scratch copy of the workspace is built there)",
        )),
    }
}

/// The files of `solutions/*/{wrong,alt}/` for the selected exercises, and
/// the findings about their layout, headers and numbers.
pub fn inventory(
    repo: &Repo,
    course: &Course,
    selection: &Selection,
) -> (Vec<Entry>, Vec<Finding>) {
    let mut entries = Vec::new();
    let mut findings = Vec::new();
    for (index, chapter) in course.chapters.iter().enumerate() {
        let base = chapter.solution_dir(repo);
        for folder in [Folder::Wrong, Folder::Alt] {
            let dir = base.join(folder.dir_name());
            for sub in subdirs(&dir) {
                let name = file_name(&sub);
                if !chapter.exercises.iter().any(|e| e.name == name) {
                    findings.push(Finding::fail(
                        repo.rel(&sub),
                        format!(
                            "`{name}` is not an exercise of exercises/{}/course.toml",
                            chapter.folder
                        ),
                        "name the folder after the exercise the files replace",
                    ));
                }
            }
        }
        for exercise in &chapter.exercises {
            if !selection.includes(chapter, &exercise.name) {
                continue;
            }
            let mut counts = [0usize; 2];
            let mut problems = Vec::new();
            for (slot, folder) in [Folder::Wrong, Folder::Alt].into_iter().enumerate() {
                let dir = base.join(folder.dir_name()).join(&exercise.name);
                for file in files(&dir) {
                    let name = file_name(&file);
                    let Some(slug) = name.strip_suffix(".rs") else {
                        problems.push(Finding::fail(
                            repo.rel(&file),
                            "is not a .rs file",
                            "only drop-in replacements of the exercise file belong here",
                        ));
                        continue;
                    };
                    if slug.is_empty()
                        || !slug.chars().all(|c| {
                            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                        })
                    {
                        problems.push(Finding::fail(
                            repo.rel(&file),
                            "the file name is not a slug",
                            "name it after the mistake or approach: lowercase letters, digits, `-`",
                        ));
                        continue;
                    }
                    let text = std::fs::read_to_string(&file).unwrap_or_default();
                    match parse_header(&text, folder) {
                        Ok(kind) => {
                            counts[slot] += 1;
                            entries.push(Entry {
                                chapter: index,
                                exercise: exercise.name.clone(),
                                shown: format!("{}/{name}", folder.dir_name()),
                                file,
                                kind,
                                text,
                            });
                        }
                        Err(what) => problems.push(Finding::fail(
                            repo.rel(&file),
                            format!("bad header: {what}"),
                            "see tools/course/LAYOUT.md, \"Known-wrong and alternative solutions\"",
                        )),
                    }
                }
            }
            let [wrong, alt] = counts;
            let place = format!(
                "solutions/{}/{{wrong,alt}}/{}",
                chapter.folder, exercise.name
            );
            if wrong < MIN_WRONG {
                problems.push(Finding::fail(
                    &place,
                    format!("exercise `{}` has {wrong} known-wrong solution(s); it needs at least {MIN_WRONG}", exercise.name),
                    format!(
                        "add solutions/{}/wrong/{}/<mistake>.rs files: the mistakes students make",
                        chapter.folder, exercise.name
                    ),
                ));
            }
            if alt < MIN_ALT {
                problems.push(Finding::fail(
                    &place,
                    format!("exercise `{}` has {alt} alternative solution(s); it needs at least {MIN_ALT}", exercise.name),
                    format!(
                        "add solutions/{}/alt/{}/<approach>.rs: a correct solution that takes another road",
                        chapter.folder, exercise.name
                    ),
                ));
            }
            if problems.is_empty() {
                findings.push(Finding::ok(format!(
                    "{place}: {wrong} known-wrong and {alt} alternative solution(s), headers well formed"
                )));
            }
            findings.extend(problems);
        }
    }
    (entries, findings)
}

/// Every solution file is formatted as `cargo fmt` would.
fn check_rustfmt(repo: &Repo, entries: &[Entry]) -> Vec<Finding> {
    if entries.is_empty() {
        return Vec::new();
    }
    let edition = workspace_edition(repo);
    let output = Command::new("rustfmt")
        .args(["--check", "--edition", &edition])
        .args(entries.iter().map(|e| &e.file))
        .stdin(Stdio::null())
        .output();
    let output = match output {
        Ok(output) => output,
        Err(error) => {
            return vec![Finding::fail(
                "rustfmt",
                format!("cannot run rustfmt: {error}"),
                "install it: rustup component add rustfmt",
            )];
        }
    };
    if output.status.success() {
        return vec![Finding::ok(format!(
            "{} known-wrong and alternative solution(s) are rustfmt-clean",
            entries.len()
        ))];
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let unformatted: BTreeSet<String> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Diff in "))
        .filter_map(|l| l.find(".rs").map(|end| l[..end + 3].to_string()))
        .collect();
    if unformatted.is_empty() {
        return vec![Finding::fail(
            "rustfmt",
            format!(
                "rustfmt failed:\n{}",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
            "make every solution file parse (rustfmt names the file above)",
        )];
    }
    unformatted
        .into_iter()
        .map(|file| {
            let shown = repo.rel(Path::new(&file));
            Finding::fail(
                &shown,
                "is not formatted as rustfmt would",
                format!("run: rustfmt --edition {edition} {shown}"),
            )
        })
        .collect()
}

fn workspace_edition(repo: &Repo) -> String {
    std::fs::read_to_string(repo.root().join("Cargo.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| {
            t.get("workspace")?
                .get("package")?
                .get("edition")?
                .as_str()
                .map(String::from)
        })
        .unwrap_or_else(|| "2024".to_string())
}

// ---------------------------------------------------------------- deadlines in the tests

/// Calls in a test file that wait for another thread or process with no time
/// limit, and what to use instead.
const BLOCKING: &[(&str, &str)] = &[
    (".join()", "a join"),
    (".recv()", "a recv without timeout (use recv_timeout)"),
    (".wait()", "a wait without timeout"),
    (
        "Barrier::new(",
        "a std Barrier (use testkit::Rendezvous, which has a deadline)",
    ),
];

/// A comment on the line (or the line before) that says why a call cannot
/// block, which lets it stand outside `within`.
pub const NO_DEADLINE_MARK: &str = "cannot block:";

/// The blocking calls of a test file that are not inside a `within(...)`
/// call and have no `// cannot block: <why>` comment, and its
/// `should_panic` attributes, as (line number, what) pairs.
pub fn unguarded_blocking_calls(source: &str) -> Vec<(usize, String)> {
    let guarded = within_spans(source);
    let lines: Vec<&str> = source.lines().collect();
    let mut found = Vec::new();
    let mut offset = 0;
    for (index, line) in lines.iter().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        if code.contains("should_panic") {
            found.push((
                index + 1,
                "#[should_panic]: a wrong solution that does not panic reads \"test did not panic \
                 as expected\"; catch the panic (catch_unwind, a quiet hook) and assert its message"
                    .to_string(),
            ));
        }
        let marked = line.contains(NO_DEADLINE_MARK)
            || index
                .checked_sub(1)
                .is_some_and(|before| lines[before].contains(NO_DEADLINE_MARK));
        for (token, what) in BLOCKING {
            for (at, _) in code.match_indices(token) {
                let position = offset + at;
                if !marked
                    && !guarded
                        .iter()
                        .any(|(start, end)| (*start..*end).contains(&position))
                {
                    found.push((
                        index + 1,
                        format!(
                            "{what} outside `within(...)`: put it under a deadline, or say why it \
                             cannot block in a `// {NO_DEADLINE_MARK} ...` comment"
                        ),
                    ));
                }
            }
        }
        offset += line.len() + 1;
    }
    found
}

/// The byte ranges of the arguments of every `within(` call of `source`.
fn within_spans(source: &str) -> Vec<(usize, usize)> {
    let bytes = source.as_bytes();
    let mut spans = Vec::new();
    for (at, _) in source.match_indices("within(") {
        let before = source[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let open = at + "within".len();
        let mut depth = 0usize;
        let mut in_string = false;
        let mut index = open;
        while index < bytes.len() {
            let byte = bytes[index];
            if in_string {
                if byte == b'\\' {
                    index += 1;
                } else if byte == b'"' {
                    in_string = false;
                }
            } else if byte == b'"' {
                in_string = true;
            } else if byte == b'(' {
                depth += 1;
            } else if byte == b')' {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            index += 1;
        }
        spans.push((open, index));
    }
    spans
}

fn check_test_deadlines(repo: &Repo, course: &Course, selection: &Selection) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (chapter, exercise) in course.exercises() {
        if !selection.includes(chapter, &exercise.name) {
            continue;
        }
        let file = chapter.test_file(exercise);
        let Ok(source) = std::fs::read_to_string(&file) else {
            continue; // check 4 reports a missing test file
        };
        let found = unguarded_blocking_calls(&source);
        if found.is_empty() {
            findings.push(Finding::ok(format!(
                "{}: every blocking call is under a deadline, no should_panic",
                repo.rel(&file)
            )));
        }
        for (line, what) in found {
            // The scan is a text match: it cannot see a chapter's own deadline
            // helpers (a closure handed to `finish_or_snapshot`, a join after
            // `kill`). `should_panic` is always wrong; the others are shown for
            // review, and the timed runs of the known-wrong pass are the check.
            if what.contains("should_panic") {
                findings.push(Finding::fail(
                    format!("{}:{line}", repo.rel(&file)),
                    what,
                    "every test that can block has a deadline (testkit::within, recv_timeout, Rendezvous)",
                ));
            } else {
                findings.push(Finding::ok(format!(
                    "{}:{line}: review: {what} (not failing: the known-wrong runs' 10 s bound is the check)",
                    repo.rel(&file)
                )));
            }
        }
    }
    findings
}

// ---------------------------------------------------------------- the scratch workspace

/// `target/course/known-wrong`: the scratch workspace, its target directory,
/// copies of the test binaries being run, and the cache.
struct Scratch {
    root: PathBuf,
    ws: PathBuf,
    target: PathBuf,
    bins: PathBuf,
}

impl Scratch {
    fn new(repo: &Repo) -> Scratch {
        let root = repo.state_dir().join("known-wrong");
        Scratch {
            ws: root.join("ws"),
            target: root.join("target"),
            bins: root.join("bins"),
            root,
        }
    }

    /// Brings the scratch workspace up to date with the repository, writing
    /// only the files that changed (so that cargo rebuilds only what changed).
    fn sync(&self, repo: &Repo) -> Result<()> {
        std::fs::create_dir_all(&self.ws)
            .with_context(|| format!("cannot create {}", self.ws.display()))?;
        let mut members = vec!["exercises/*"];
        for dir in [
            "exercises",
            "tools/testkit",
            "tools/timeline",
            "tools/workspace-hack",
        ] {
            if dir != "exercises" && repo.root().join(dir).join("Cargo.toml").is_file() {
                members.push(dir);
            }
            sync_tree(
                &repo.root().join(dir),
                &self.ws.join(dir),
                &scratch_manifest,
            )?;
        }
        let manifest = std::fs::read_to_string(repo.root().join("Cargo.toml"))
            .context("cannot read the workspace's Cargo.toml")?;
        write_if_changed(
            &self.ws.join("Cargo.toml"),
            scratch_workspace(&manifest, &members)?.as_bytes(),
        )?;
        let lock = std::fs::read(repo.root().join("Cargo.lock")).unwrap_or_default();
        // Cargo trims the packages the scratch workspace lacks from its copy;
        // the original is kept beside it so that an unchanged lock is not
        // written again on every run.
        let original = self.root.join("Cargo.lock.orig");
        if std::fs::read(&original).ok().as_deref() != Some(&lock[..]) {
            std::fs::write(self.ws.join("Cargo.lock"), &lock)?;
            std::fs::write(&original, &lock)?;
        }
        Ok(())
    }
}

/// The workspace manifest of the scratch copy: the exercise crates and the
/// two tool crates they use, nothing else.
fn scratch_workspace(manifest: &str, members: &[&str]) -> Result<String> {
    let mut table: toml::Table = manifest.parse().context("the workspace's Cargo.toml")?;
    let workspace = table
        .get_mut("workspace")
        .and_then(|w| w.as_table_mut())
        .context("the workspace's Cargo.toml has no [workspace]")?;
    workspace.insert(
        "members".into(),
        toml::Value::Array(
            members
                .iter()
                .map(|m| toml::Value::String(m.to_string()))
                .collect(),
        ),
    );
    workspace.remove("default-members");
    workspace.remove("exclude");
    Ok(format!(
        "# Written by `cargo course verify --only known-wrong`: a scratch copy.\n{}",
        toml::to_string(&table)?
    ))
}

/// Exercise crates' manifests in the scratch copy build no programs unless a
/// test of theirs runs one (`bin_path!`): a swap then relinks nothing else.
fn scratch_manifest(relative: &Path, contents: Vec<u8>, source_dir: &Path) -> Vec<u8> {
    if relative.file_name().is_none_or(|name| name != "Cargo.toml") {
        return contents;
    }
    let runs_programs = files(&source_dir.join("tests")).iter().any(|test| {
        std::fs::read_to_string(test)
            .is_ok_and(|t| t.contains("bin_path!") || t.contains("CARGO_BIN_EXE"))
    });
    let text = String::from_utf8_lossy(&contents);
    if runs_programs || !source_dir.join("src/bin").is_dir() {
        return contents;
    }
    match text.find("[package]\n") {
        Some(at) => {
            let end = at + "[package]\n".len();
            format!("{}autobins = false\n{}", &text[..end], &text[end..]).into_bytes()
        }
        None => contents,
    }
}

/// Rewrites a file on its way into the scratch copy: (path relative to the
/// tree, contents, the folder holding the file) to new contents.
type Transform = dyn Fn(&Path, Vec<u8>, &Path) -> Vec<u8>;

/// Copies the tree `from` into `to`, writing only files whose (transformed)
/// contents differ and deleting files `from` does not have. `target` folders
/// are skipped.
fn sync_tree(from: &Path, to: &Path, transform: &Transform) -> Result<()> {
    let mut wanted = BTreeSet::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let dir = from.join(&relative);
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in read.flatten() {
            let name = entry.file_name();
            let path = relative.join(&name);
            let kind = entry.file_type()?;
            if kind.is_dir() {
                if name != "target" {
                    pending.push(path);
                }
            } else if kind.is_file() {
                let contents = std::fs::read(entry.path())?;
                let crate_dir = path
                    .parent()
                    .map(|p| from.join(p))
                    .unwrap_or_else(|| from.to_path_buf());
                let contents = transform(&path, contents, &crate_dir);
                write_if_changed(&to.join(&path), &contents)?;
                wanted.insert(path);
            }
        }
    }
    // Remove what the source no longer has.
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let Ok(read) = std::fs::read_dir(to.join(&relative)) else {
            continue;
        };
        for entry in read.flatten() {
            let path = relative.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else if !wanted.contains(&path) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(())
}

fn write_if_changed(path: &Path, contents: &[u8]) -> Result<()> {
    if std::fs::read(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

/// A hash of every file under `dir` (paths and contents), `target/` aside.
fn tree_hash(dir: &Path) -> String {
    let mut all: Vec<PathBuf> = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "target" {
                    pending.push(path);
                }
            } else {
                all.push(path);
            }
        }
    }
    all.sort();
    let mut bytes = Vec::new();
    for path in all {
        bytes.extend_from_slice(
            path.strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .as_bytes(),
        );
        bytes.push(0);
        bytes.extend(std::fs::read(&path).unwrap_or_default());
        bytes.push(0);
    }
    hash(&bytes)
}

/// The exercise crates `dir`'s manifest depends on by path.
fn path_dependencies(dir: &Path) -> Vec<PathBuf> {
    let Some(table) = std::fs::read_to_string(dir.join("Cargo.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
    else {
        return Vec::new();
    };
    ["dependencies", "dev-dependencies"]
        .iter()
        .filter_map(|key| table.get(*key)?.as_table())
        .flat_map(|deps| deps.values())
        .filter_map(|dep| dep.get("path")?.as_str())
        .map(|path| crate::repo::normalize(&dir.join(path)))
        .collect()
}

// ---------------------------------------------------------------- running them

/// What happened to one file.
#[derive(Debug, Clone)]
pub struct Row {
    pub exercise: String,
    pub file: String,
    /// `Ok(summary)` or `Err(what is wrong)`.
    pub verdict: Result<String, String>,
    /// The slowest run of the test binary, in seconds (not the build).
    pub seconds: f64,
    pub cached: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    passed: BTreeMap<String, CachedPass>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedPass {
    summary: String,
    seconds: f64,
}

/// A swap that was built, waiting to be run.
struct Built {
    index: usize,
    /// The copy of the test binary, or what the compiler said.
    binary: Result<PathBuf, String>,
    crate_dir: PathBuf,
    crate_name: String,
    key: String,
}

fn run_all(
    repo: &Repo,
    course: &Course,
    entries: &[Entry],
    options: &Options,
    report: &mut Report,
) -> Result<Vec<Row>> {
    if entries.is_empty() {
        report.note("no known-wrong or alternative solution selected");
        return Ok(Vec::new());
    }
    let scratch = Scratch::new(repo);
    scratch.sync(repo)?;
    std::fs::create_dir_all(&scratch.bins)?;
    let cache_path = scratch.root.join("cache.json");
    let mut cache: Cache = if options.fresh {
        Cache::default()
    } else {
        std::fs::read_to_string(&cache_path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    };
    let shared = format!(
        "{RULES_VERSION}\0{}\0{}\0{}\0runs {}",
        tree_hash(&scratch.ws.join("tools/testkit")),
        tree_hash(&scratch.ws.join("tools/timeline")),
        hash(&std::fs::read(repo.root().join("Cargo.lock")).unwrap_or_default()),
        options.runs
    );
    let mut crate_hashes: BTreeMap<usize, String> = BTreeMap::new();
    for entry in entries {
        crate_hashes.entry(entry.chapter).or_insert_with(|| {
            let chapter = &course.chapters[entry.chapter];
            let dir = scratch.ws.join("exercises").join(&chapter.folder);
            let mut text = tree_hash(&dir);
            for dependency in path_dependencies(&dir) {
                text.push_str(&tree_hash(&dependency));
            }
            text
        });
    }
    report.note(&format!(
        "{} file(s); scratch workspace {} (target dir beside it, kept between runs)",
        entries.len(),
        repo.rel(&scratch.ws)
    ));

    let mut rows: Vec<Option<Row>> = vec![None; entries.len()];
    let (to_runner, jobs) = mpsc::sync_channel::<Built>(1);
    let (to_builder, results) = mpsc::channel::<(usize, Row, Option<(String, CachedPass)>)>();
    let runner = {
        let entries = entries.to_vec();
        let runs = options.runs.max(1);
        thread::spawn(move || {
            for built in jobs {
                let entry = &entries[built.index];
                let (row, pass) = run_one(entry, &built, runs);
                let _ = to_builder.send((built.index, row, pass));
            }
        })
    };
    let mut record = |index: usize,
                      row: Row,
                      pass: Option<(String, CachedPass)>,
                      report: &mut Report,
                      cache: &mut Cache| {
        report.add(finding_of(&row));
        if let Some((key, pass)) = pass {
            cache.passed.insert(key, pass);
        }
        rows[index] = Some(row);
    };
    let mut swapped: Option<(PathBuf, Vec<u8>)> = None;
    // Jobs sent to the runner whose results are not recorded yet.
    let mut outstanding = 0usize;
    for (index, entry) in entries.iter().enumerate() {
        while let Ok((i, row, pass)) = results.try_recv() {
            outstanding = outstanding.saturating_sub(1);
            record(i, row, pass, report, &mut cache);
        }
        let chapter = &course.chapters[entry.chapter];
        let key = hash(
            format!(
                "{shared}\0{}\0{}\0{}\0{:?}",
                crate_hashes[&entry.chapter], entry.exercise, entry.text, entry.kind
            )
            .as_bytes(),
        );
        if let Some(pass) = cache.passed.get(&key).cloned() {
            let row = Row {
                exercise: entry.exercise.clone(),
                file: entry.shown.clone(),
                verdict: Ok(pass.summary),
                seconds: pass.seconds,
                cached: true,
            };
            record(index, row, None, report, &mut cache);
            continue;
        }
        let crate_dir = scratch.ws.join("exercises").join(&chapter.folder);
        let target_file = crate_dir
            .join("src/exercises")
            .join(format!("{}.rs", entry.exercise));
        if swapped
            .as_ref()
            .is_some_and(|(file, _)| *file != target_file)
        {
            restore(&mut swapped)?;
        }
        if swapped.is_none() {
            swapped = Some((target_file.clone(), std::fs::read(&target_file)?));
        }
        std::fs::write(&target_file, &entry.text)?;
        let binary = build(&scratch, &chapter.crate_name, &entry.exercise, index);
        // A test that runs the crate's programs (`bin_path!`) runs them from
        // the scratch target dir, which the next build would overwrite while
        // the test runs: wait for it before building the next one.
        let runs_programs = std::fs::read_to_string(
            crate_dir
                .join("tests")
                .join(format!("{}.rs", entry.exercise)),
        )
        .is_ok_and(|t| t.contains("bin_path!") || t.contains("CARGO_BIN_EXE"));
        let built = Built {
            index,
            binary,
            crate_dir,
            crate_name: chapter.crate_name.clone(),
            key,
        };
        if to_runner.send(built).is_err() {
            break;
        }
        outstanding += 1;
        while runs_programs && outstanding > 0 {
            let Ok((i, row, pass)) = results.recv() else {
                break;
            };
            outstanding -= 1;
            record(i, row, pass, report, &mut cache);
        }
    }
    restore(&mut swapped)?;
    drop(to_runner);
    let _ = runner.join();
    for (i, row, pass) in results.try_iter() {
        record(i, row, pass, report, &mut cache);
    }
    if let Ok(text) = serde_json::to_string_pretty(&cache) {
        let _ = std::fs::write(&cache_path, text);
    }
    Ok(rows.into_iter().flatten().collect())
}

/// Puts the original exercise file back in the scratch copy.
fn restore(swapped: &mut Option<(PathBuf, Vec<u8>)>) -> Result<()> {
    if let Some((file, original)) = swapped.take() {
        std::fs::write(&file, original)?;
    }
    Ok(())
}

/// `cargo test -p <crate> --test <exercise> --no-run` in the scratch
/// workspace; the test binary is copied aside (the next build replaces it
/// while this one runs).
fn build(
    scratch: &Scratch,
    crate_name: &str,
    exercise: &str,
    index: usize,
) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args([
            "test",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .args(["-p", crate_name, "--test", exercise])
        .current_dir(&scratch.ws)
        .env("CARGO_TARGET_DIR", &scratch.target);
    let run = run_with_deadline(command, BUILD_DEADLINE)
        .map_err(|e| format!("cannot run cargo: {e:#}"))?;
    if run.status.is_none() {
        return Err(format!(
            "the build took longer than {BUILD_DEADLINE:?} and was killed"
        ));
    }
    if !run.status.is_some_and(|s| s.success()) {
        let errors = crate::cargo::error_lines(&run.stderr, 10);
        return Err(format!(
            "does not compile against the exercise crate:\n{}",
            errors.join("\n")
        ));
    }
    let executable = run
        .stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == exercise)
        .filter(|m| {
            m["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "test"))
        })
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| format!("cargo built no test binary for `{exercise}`"))?;
    let copy = scratch.bins.join(format!("{index}-{exercise}"));
    std::fs::copy(&executable, &copy)
        .map_err(|e| format!("cannot copy {}: {e}", executable.display()))?;
    Ok(copy)
}

/// Runs the test binary `runs` times and judges the result.
fn run_one(entry: &Entry, built: &Built, runs: u32) -> (Row, Option<(String, CachedPass)>) {
    let mut row = Row {
        exercise: entry.exercise.clone(),
        file: entry.shown.clone(),
        verdict: Ok(String::new()),
        seconds: 0.0,
        cached: false,
    };
    let binary = match &built.binary {
        Ok(binary) => binary,
        Err(error) => {
            row.verdict = Err(error.clone());
            return (row, None);
        }
    };
    for run in 1..=runs {
        let mut command = Command::new(binary);
        command
            .current_dir(&built.crate_dir)
            .env("CARGO_MANIFEST_DIR", &built.crate_dir)
            .env("CARGO_PKG_NAME", &built.crate_name)
            .env("RUST_BACKTRACE", "0");
        let started = Instant::now();
        let outcome = run_with_deadline(command, KILL_AFTER);
        let seconds = started.elapsed().as_secs_f64();
        row.seconds = row.seconds.max(seconds);
        let verdict = match outcome {
            Err(error) => Err(format!("cannot run the test binary: {error:#}")),
            Ok(outcome) => match &entry.kind {
                Kind::Wrong { expect, .. } => judge_wrong(expect, &outcome, seconds, load_factor()),
                Kind::Alt { .. } => judge_alt(&outcome),
            },
        };
        match verdict {
            Ok(summary) => row.verdict = Ok(summary),
            Err(what) => {
                row.verdict = Err(if runs > 1 {
                    format!("run {run} of {runs}: {what}")
                } else {
                    what
                });
                let _ = std::fs::remove_file(binary);
                return (row, None);
            }
        }
    }
    let _ = std::fs::remove_file(binary);
    let pass = row.verdict.clone().ok().map(|summary| {
        (
            built.key.clone(),
            CachedPass {
                summary,
                seconds: row.seconds,
            },
        )
    });
    (row, pass)
}

/// How loaded the machine is, between 1 and 3: the 1-minute load average
/// per core ([`testkit::load_factor`], the factor the tests themselves use to
/// stretch a deadline that only exists to fail quickly). A wrong solution's
/// bound is [`FAIL_WITHIN`] times this; above 3 the bound still catches a
/// deadline that is far too long (a wrong solution's test binary mostly
/// sleeps in deadlines, which a load does not stretch).
pub fn load_factor() -> f64 {
    testkit::load_factor()
}

/// What a run of a test binary did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// `None` when it was killed at the deadline.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
}

/// A known-wrong solution's verdict: `Ok(summary)` when its tests failed
/// with `expect` among the first lines, within the bound.
pub fn judge_wrong(
    expect: &str,
    outcome: &Outcome,
    seconds: f64,
    load: f64,
) -> Result<String, String> {
    let Some(status) = outcome.status else {
        return Err(format!(
            "the test binary was still running after {}s and was killed: a test without a deadline",
            KILL_AFTER.as_secs()
        ));
    };
    if status.success() {
        return Err("the tests PASS with this mistake: they let it through".to_string());
    }
    let Some(window) = first_failure_lines(&outcome.stdout, EXPECT_WINDOW) else {
        let tail: Vec<&str> = outcome.stderr.lines().rev().take(6).collect();
        return Err(format!(
            "the test binary ended ({status}) without reporting a failed test: a crash or an abort \
             is not a message a student can read\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    };
    if !window.iter().any(|line| line.contains(expect)) {
        return Err(format!(
            "the tests fail, but \"{expect}\" is not in the {EXPECT_WINDOW} lines after the first \
             failure header, which begin:\n{}",
            window
                .iter()
                .take(8)
                .copied()
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    let bound = FAIL_WITHIN.as_secs_f64() * load;
    if seconds > bound {
        return Err(format!(
            "the tests fail with \"{expect}\", but after {seconds:.1} s; the bound is {}s x load \
             {load:.2} = {bound:.1} s: shorten the deadline that catches this mistake",
            FAIL_WITHIN.as_secs()
        ));
    }
    Ok(format!(
        "fails with \"{expect}\" in {seconds:.1} s (bound {bound:.1} s at load {load:.2})"
    ))
}

/// An alternative solution's verdict: its tests pass.
pub fn judge_alt(outcome: &Outcome) -> Result<String, String> {
    match outcome.status {
        None => Err(format!(
            "the test binary was still running after {}s and was killed",
            KILL_AFTER.as_secs()
        )),
        Some(status) if status.success() => Ok("passes".to_string()),
        Some(status) => {
            let first = first_failure_lines(&outcome.stdout, EXPECT_WINDOW)
                .map(|w| w.into_iter().take(8).collect::<Vec<_>>().join("\n"))
                .unwrap_or_else(|| format!("(no failure reported; {status})"));
            Err(format!(
                "the tests reject this correct solution: they fail on another road. First lines:\n{first}"
            ))
        }
    }
}

/// Runs `command` in a process group of its own, capturing its output; at
/// `deadline` the whole group is stopped. Leftover processes of the group are
/// killed when the leader exits, too.
fn run_with_deadline(mut command: Command, deadline: Duration) -> Result<Outcome> {
    let limits = testkit::Limits {
        own_group: true,
        ..testkit::Limits::in_all(deadline)
    };
    Ok(match testkit::run_command(&mut command, limits) {
        Ok(run) => Outcome {
            status: Some(run.status),
            stdout: run.stdout,
            stderr: run.stderr,
        },
        Err(testkit::NotRun::Start(e)) => return Err(e.into()),
        Err(testkit::NotRun::Overstayed { stdout, stderr, .. }) => Outcome {
            status: None,
            stdout,
            stderr,
        },
    })
}

fn finding_of(row: &Row) -> Finding {
    let what = format!("{} {}", row.exercise, row.file);
    match &row.verdict {
        Ok(summary) if row.cached => Finding::ok(format!("{what}: {summary} (cached)")),
        Ok(summary) => Finding::ok(format!("{what}: {summary}")),
        Err(problem) => Finding::fail(
            what,
            problem.clone(),
            "make the tests catch this (LAYOUT.md, \"Known-wrong and alternative solutions\"), or fix the file",
        ),
    }
}

fn print_table(rows: &[Row], elapsed: Duration) {
    if rows.is_empty() {
        return;
    }
    let width = rows.iter().map(|r| r.file.len()).max().unwrap_or(4).max(4);
    let ex_width = rows
        .iter()
        .map(|r| r.exercise.len())
        .max()
        .unwrap_or(8)
        .max(8);
    println!();
    println!(
        "{:<ex_width$}  {:<width$}  {:<7}  {:>7}",
        "exercise", "file", "verdict", "seconds"
    );
    for row in rows {
        let verdict = match (&row.verdict, row.cached) {
            (Ok(_), true) => "cached",
            (Ok(_), false) => "ok",
            (Err(_), _) => "FAIL",
        };
        println!(
            "{:<ex_width$}  {:<width$}  {:<7}  {:>7.1}",
            row.exercise, row.file, verdict, row.seconds
        );
    }
    let failed = rows.iter().filter(|r| r.verdict.is_err()).count();
    println!(
        "known-wrong pass: {} file(s), {failed} failed, in {:.0} s (building and running)",
        rows.len(),
        elapsed.as_secs_f64()
    );
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    found
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn headers_name_the_mistake_and_the_message() {
        let wrong = "//! WRONG: `if` instead of `while`\n//! EXPECT: woke up with no permit\n//!\nfn f() {}\n";
        assert_eq!(
            parse_header(wrong, Folder::Wrong),
            Ok(Kind::Wrong {
                mistake: "`if` instead of `while`".into(),
                expect: "woke up with no permit".into()
            })
        );
        assert_eq!(
            parse_header("//! ALT: a channel\n", Folder::Alt),
            Ok(Kind::Alt {
                approach: "a channel".into()
            })
        );
    }

    #[test]
    fn a_header_that_is_missing_empty_or_in_the_wrong_folder_is_rejected() {
        let no_expect = "//! WRONG: joins early\nfn f() {}\n";
        assert!(
            parse_header(no_expect, Folder::Wrong)
                .unwrap_err()
                .contains("EXPECT")
        );
        let empty = "//! WRONG: joins early\n//! EXPECT:   \n";
        assert!(
            parse_header(empty, Folder::Wrong)
                .unwrap_err()
                .contains("EXPECT")
        );
        assert!(parse_header("//! ALT: a channel\n", Folder::Wrong).is_err());
        assert!(parse_header("//! WRONG: x\n//! EXPECT: y\n", Folder::Alt).is_err());
        assert!(parse_header("// WRONG: x\n", Folder::Wrong).is_err());
    }

    const FAILED: &str = "running 2 tests\ntest a ... ok\ntest b ... FAILED\n\nfailures:\n\n\
        ---- b stdout ----\n\nthread 'b' panicked at tests/x.rs:3:5:\nonly 1 of 4 threads were waiting\n\n\
        failures:\n    b\n\ntest result: FAILED. 1 passed; 1 failed\n";

    fn outcome(code: i32, stdout: &str) -> Outcome {
        Outcome {
            status: Some(ExitStatus::from_raw(code << 8)),
            stdout: stdout.into(),
            stderr: String::new(),
        }
    }

    #[test]
    fn a_wrong_solution_must_fail_with_its_message_in_time() {
        let failed = outcome(101, FAILED);
        assert!(judge_wrong("only 1 of 4", &failed, 2.0, 1.0).is_ok());
        let other = judge_wrong("lost update", &failed, 2.0, 1.0).unwrap_err();
        assert!(
            other.contains("is not in the 40 lines") && other.contains("only 1 of 4"),
            "{other}"
        );
        let slow = judge_wrong("only 1 of 4", &failed, 12.0, 1.0).unwrap_err();
        assert!(slow.contains("after 12.0 s"), "{slow}");
        assert!(
            judge_wrong("only 1 of 4", &failed, 12.0, 1.5).is_ok(),
            "a loaded machine gets more time"
        );
        let passed = judge_wrong("x", &outcome(0, "test result: ok."), 1.0, 1.0).unwrap_err();
        assert!(passed.contains("PASS"), "{passed}");
        let killed = Outcome::default();
        assert!(
            judge_wrong("x", &killed, 60.0, 1.0)
                .unwrap_err()
                .contains("killed")
        );
        let crashed = judge_wrong("x", &outcome(134, "running 2 tests\n"), 1.0, 1.0).unwrap_err();
        assert!(
            crashed.contains("without reporting a failed test"),
            "{crashed}"
        );
    }

    #[test]
    fn the_message_must_come_within_the_first_lines_of_the_first_failure() {
        let late = format!(
            "---- a stdout ----\n{}the message\n",
            "noise\n".repeat(EXPECT_WINDOW)
        );
        assert!(judge_wrong("the message", &outcome(101, &late), 1.0, 1.0).is_err());
        let early = format!(
            "---- a stdout ----\n{}the message\n",
            "noise\n".repeat(EXPECT_WINDOW - 1)
        );
        assert!(judge_wrong("the message", &outcome(101, &early), 1.0, 1.0).is_ok());
    }

    #[test]
    fn an_alternative_must_pass() {
        assert!(judge_alt(&outcome(0, "test result: ok.")).is_ok());
        let rejected = judge_alt(&outcome(101, FAILED)).unwrap_err();
        assert!(rejected.contains("only 1 of 4"), "{rejected}");
    }

    #[test]
    fn blocking_calls_need_a_deadline_or_a_reason() {
        let source = r#"
fn guarded() {
    let v = within(DEADLINE, "joining", "stuck", move || handle.join().unwrap());
}
fn bare() {
    let v = rx.recv().unwrap();
    // cannot block: the thread has already sent
    handle.join().unwrap();
    let names = parts.join(", ");
}
#[test]
#[should_panic(expected = "x")]
fn t() {}
"#;
        let found = unguarded_blocking_calls(source);
        let lines: Vec<usize> = found.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [6, 12], "{found:?}");
        assert!(found[0].1.contains("recv without timeout"), "{found:?}");
        assert!(found[1].1.contains("should_panic"), "{found:?}");
    }

    #[test]
    fn the_scratch_workspace_has_the_exercise_crates_and_their_tools_only() {
        let manifest = "[workspace]\nmembers = [\"exercises/*\", \"solutions/*\", \"tools/course\"]\n\
            default-members = [\"solutions/*\"]\n[workspace.dependencies]\ntestkit = { path = \"tools/testkit\" }\n";
        let members = ["exercises/*", "tools/testkit", "tools/timeline"];
        let scratch: toml::Table = scratch_workspace(manifest, &members)
            .unwrap()
            .parse()
            .unwrap();
        let workspace = scratch["workspace"].as_table().unwrap();
        assert_eq!(
            workspace["members"].as_array().unwrap().len(),
            3,
            "{workspace:?}"
        );
        assert!(!workspace.contains_key("default-members"));
        assert!(workspace.contains_key("dependencies"));
    }
}
