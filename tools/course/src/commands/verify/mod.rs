//! `cargo course verify [--quick]`: check every rule of LAYOUT.md.
//! `cargo course verify --only known-wrong [--exercise NAME]...`: check only
//! the known-wrong and alternative solutions (all of them, or those of the
//! exercises and chapters named).
//!
//! Each check module returns [`Finding`]s; this module prints them, one line
//! per check, and sums them up. Checks never stop at the first problem.

pub mod book;
pub mod chapters;
pub mod contracts;
pub mod crates;
pub mod known_wrong;
pub mod listings;
pub mod programs;
pub mod report;
pub mod student;
pub mod times;

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::VerifyArgs;
use crate::course::Course;
use crate::repo::{Repo, normalize};
use crate::summary;
pub use report::{Finding, Report, ok_unless};

pub use crate::cli::Only;

pub fn run(args: &VerifyArgs) -> Result<ExitCode> {
    let repo = Repo::discover()?;
    if args.only == Some(Only::KnownWrong) {
        let course = Course::load(&repo)?;
        known_wrong::check_selection(&args.select, &course)?;
        let mut report = Report::default();
        report.section("7. known-wrong and alternative solutions");
        known_wrong::check(&repo, &course, args, &mut report);
        return Ok(report.finish());
    }
    if !args.select.is_empty() {
        anyhow::bail!("--exercise selects known-wrong solutions: use it with --only known-wrong");
    }
    let mut report = Report::default();
    let course = match Course::load(&repo) {
        Ok(course) => Some(course),
        Err(error) => {
            report.section("course.toml");
            report.add(Finding::fail(
                "exercises/*/course.toml",
                format!("{error:#}"),
                "fix the file named above; nothing else can be checked without it",
            ));
            None
        }
    };
    report.section("1. listings are included from crates, with anchors");
    report.extend(listings::check(&repo));
    if let Some(course) = &course {
        report.section("2. programs are shown in the book, tested, and built by the solution");
        report.extend(programs::check(&repo, course));
        report.section("3. chapter pages name their crate and test command");
        report.extend(chapters::check(&repo, course));
        report.section("3b. the time table adds up the pages' and exercises' estimates");
        report.extend(times::check(&repo, course));
        report.section("3c. every exercise has a contract: numbered clauses that name their tests");
        report.extend(contracts::check(course));
        report.section("4. exercise and solution crates share one set of tests");
        report.extend(crates::check_layout(&repo, course));
        if args.quick {
            report.note("cargo builds and test runs skipped (--quick)");
        } else {
            crates::check_with_cargo(&repo, course, &mut report);
        }
    }
    report.section("5. the book builds");
    report.extend(book::check(&repo));
    report.section("6. the student copy can drop the solutions");
    report.extend(student::check(&repo));
    if let Some(course) = &course {
        report.section("7. known-wrong and alternative solutions");
        known_wrong::check(&repo, course, args, &mut report);
    }
    Ok(report.finish())
}

/// `what`, a colon, and the first lines of the errors in cargo's `stderr`.
fn with_errors(what: &str, stderr: &str) -> String {
    format!(
        "{what}:\n{}",
        crate::cargo::error_lines(stderr, 10).join("\n")
    )
}

/// The name of `path` without its extension.
fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The entries of the book's SUMMARY.md; none when it is missing (check 5
/// says so).
fn summary_entries(repo: &Repo) -> Vec<summary::Entry> {
    summary::entries(
        &std::fs::read_to_string(repo.book_src().join("SUMMARY.md")).unwrap_or_default(),
    )
}

/// The index of the entry of SUMMARY.md that lists `page` (relative to
/// `src/`), if one does.
fn listed(entries: &[summary::Entry], page: &Path) -> Option<usize> {
    let page = normalize(page);
    entries.iter().position(|e| {
        e.path
            .as_deref()
            .is_some_and(|p| normalize(Path::new(p)) == page)
    })
}
