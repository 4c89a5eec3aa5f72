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
//! deadline.
//!
//! This module finds the files and checks their names, headers and numbers;
//! one concern a file:
//! - `headers.rs`: the `//! WRONG:`/`EXPECT:`/`ALT:` header;
//! - `rustfmt.rs`: the files are rustfmt-clean;
//! - `deadlines.rs`: the exercises' tests put a deadline around what blocks;
//! - `scratch.rs`: the scratch copy of the workspace the swaps are built in;
//! - `cache.rs`: the passes remembered between runs;
//! - `run.rs`: building and running each swap, and the table;
//! - `judge.rs`: the verdict on one run.

mod cache;
mod deadlines;
mod headers;
mod judge;
mod run;
mod rustfmt;
mod scratch;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use super::{Finding, Report};
use crate::course::{Chapter, Course};
use crate::repo::Repo;

pub use deadlines::{NO_DEADLINE_MARK, unguarded_blocking_calls};
pub use headers::{Folder, Kind, parse_header};
pub use judge::{Outcome, judge_alt, judge_wrong};
pub use run::Row;

/// Known-wrong solutions each exercise must have, at least.
pub const MIN_WRONG: usize = 4;
/// Alternative correct solutions each exercise must have, at least.
pub const MIN_ALT: usize = 1;
/// EXPECT must appear within this many lines after the first `---- `
/// failure header of the test output: what a student reads first.
pub const EXPECT_WINDOW: usize = 40;
/// A wrong solution's test binary must fail within this time on an idle
/// machine (multiplied by [`testkit::load_factor`], see [`judge_wrong`]).
pub const FAIL_WITHIN: Duration = Duration::from_secs(10);
/// A test binary still running after this is killed, with its process
/// group: a test without a deadline.
pub const KILL_AFTER: Duration = Duration::from_secs(60);
/// Building one swap (the first one builds the dependencies too).
pub const BUILD_DEADLINE: Duration = Duration::from_secs(1200);
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
    report.extend(rustfmt::check(repo, &entries));
    report.section("7b. exercise tests put a deadline around what blocks");
    report.extend(deadlines::check(repo, course, &options.selection));
    if options.quick {
        report.note("known-wrong and alternative solutions not run (--quick)");
        return;
    }
    report
        .section("7c. each known-wrong solution fails, with its message; each alternative passes");
    match run::run_all(repo, course, &entries, options, report) {
        Ok(rows) => run::print_table(&rows, started.elapsed()),
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
            for sub in listing(&dir).filter(|e| e.file_type().is_dir()) {
                let name = sub.file_name().to_string_lossy();
                if !chapter.exercises.iter().any(|e| e.name == name) {
                    findings.push(Finding::fail(
                        repo.rel(sub.path()),
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
                for file in listing(&dir).filter(|e| e.file_type().is_file()) {
                    let name = file.file_name().to_string_lossy();
                    let file = file.path();
                    let Some(slug) = name.strip_suffix(".rs") else {
                        problems.push(Finding::fail(
                            repo.rel(file),
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
                            repo.rel(file),
                            "the file name is not a slug",
                            "name it after the mistake or approach: lowercase letters, digits, `-`",
                        ));
                        continue;
                    }
                    let text = std::fs::read_to_string(file).unwrap_or_default();
                    match parse_header(&text, folder) {
                        Ok(kind) => {
                            counts[slot] += 1;
                            entries.push(Entry {
                                chapter: index,
                                exercise: exercise.name.clone(),
                                shown: format!("{}/{name}", folder.dir_name()),
                                file: file.to_path_buf(),
                                kind,
                                text,
                            });
                        }
                        Err(what) => problems.push(Finding::fail(
                            repo.rel(file),
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

/// The entries of `dir` (none when it is missing), sorted by name.
fn listing(dir: &Path) -> impl Iterator<Item = walkdir::DirEntry> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .flatten()
}
