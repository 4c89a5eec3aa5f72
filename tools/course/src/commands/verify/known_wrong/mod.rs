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
//! This module holds the rules' numbers and runs the checks, one concern a
//! file:
//! - `inventory.rs`: the files, their names, headers and numbers;
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
mod inventory;
mod judge;
mod run;
mod rustfmt;
mod scratch;

use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use super::{Finding, Report};
use crate::cli::VerifyArgs;
use crate::course::{Chapter, Course};
use crate::repo::Repo;

use headers::Kind;
use inventory::Entry;

/// Known-wrong solutions each exercise must have, at least.
pub const MIN_WRONG: usize = 4;
/// Alternative correct solutions each exercise must have, at least.
pub const MIN_ALT: usize = 1;
/// EXPECT must appear within this many lines after the first `---- `
/// failure header of the test output: what a student reads first.
pub const EXPECT_WINDOW: usize = 40;
/// A wrong solution's test binary must fail within this time on an idle
/// machine (multiplied by [`testkit::load_factor`], see [`judge::judge_wrong`]).
pub const FAIL_WITHIN: Duration = Duration::from_secs(10);
/// A test binary still running after this is killed, with its process
/// group: a test without a deadline.
pub const KILL_AFTER: Duration = Duration::from_secs(60);
/// Building one swap (the first one builds the dependencies too).
pub const BUILD_DEADLINE: Duration = Duration::from_secs(1200);

/// Whether `--exercise` selected `exercise` of `chapter`: every exercise
/// when nothing is named; otherwise those named, and every exercise of the
/// chapters named (by number, folder or crate name).
pub fn selected(select: &[String], chapter: &Chapter, exercise: &str) -> bool {
    select.is_empty()
        || select.iter().any(|s| {
            s == exercise
                || *s == chapter.folder
                || *s == chapter.crate_name
                || *s == chapter.info.number.to_string()
        })
}

/// Fails when a name given to `--exercise` selects nothing.
pub fn check_selection(select: &[String], course: &Course) -> Result<()> {
    for name in select {
        let one = std::slice::from_ref(name);
        if !course.exercises().any(|(c, e)| selected(one, c, &e.name)) {
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

/// Everything this module checks, added to `report`.
pub fn check(repo: &Repo, course: &Course, args: &VerifyArgs, report: &mut Report) {
    let started = Instant::now();
    let (entries, findings) = inventory::inventory(repo, course, &args.select);
    report.extend(findings);
    report.extend(rustfmt::check(repo, &entries));
    report.section("7b. exercise tests put a deadline around what blocks");
    report.extend(deadlines::check(repo, course, &args.select));
    if args.quick {
        report.note("known-wrong and alternative solutions not run (--quick)");
        return;
    }
    report
        .section("7c. each known-wrong solution fails, with its message; each alternative passes");
    match run::run_all(repo, course, &entries, args, report) {
        Ok(rows) => run::print_table(&rows, started.elapsed()),
        Err(error) => report.add(Finding::fail(
            "target/course/known-wrong",
            format!("{error:#}"),
            "fix the problem above (a scratch copy of the workspace is built there)",
        )),
    }
}
