//! `cargo course verify [--quick]`: check every rule of LAYOUT.md.
//! `cargo course verify --only known-wrong [--exercise NAME]...`: check only
//! the known-wrong and alternative solutions (all of them, or those of the
//! exercises and chapters named).
//!
//! Each check module returns [`Finding`]s; this module prints them, one line
//! per check, and sums them up. Checks never stop at the first problem.

pub mod book;
pub mod chapters;
pub mod crates;
pub mod known_wrong;
pub mod listings;
pub mod programs;
pub mod report;
pub mod student;
pub mod times;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::VerifyArgs;
use crate::course::Course;
use crate::repo::Repo;
pub use report::{Finding, Report};

pub use crate::cli::Only;

pub fn run(args: &VerifyArgs) -> Result<ExitCode> {
    let repo = Repo::discover()?;
    let options = known_wrong::Options {
        selection: known_wrong::Selection(args.select.clone()),
        runs: args.runs,
        fresh: args.fresh,
        quick: args.quick,
    };
    if args.only == Some(Only::KnownWrong) {
        let course = Course::load(&repo)?;
        options.selection.check(&course)?;
        let mut report = Report::new();
        report.section("7. known-wrong and alternative solutions");
        known_wrong::check(&repo, &course, &options, &mut report);
        return Ok(report.finish());
    }
    if !args.select.is_empty() {
        anyhow::bail!("--exercise selects known-wrong solutions: use it with --only known-wrong");
    }
    let mut report = Report::new();
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
        known_wrong::check(&repo, course, &options, &mut report);
    }
    Ok(report.finish())
}
