//! Check 7c: each file is swapped into the scratch workspace, its exercise's
//! tests are built there, and the test binary is run with a hard deadline,
//! `--runs` times. Building the next swap overlaps
//! with running the previous one, on a thread of its own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::{self, ScopedJoinHandle};
use std::time::{Duration, Instant};

use anyhow::Result;

use super::cache::{Cache, CachedPass};
use super::judge::{judge_alt, judge_wrong};
use super::scratch::{Scratch, runs_programs};
use super::{BUILD_DEADLINE, Entry, KILL_AFTER, Kind};
use crate::cli::VerifyArgs;
use crate::commands::grade::compile::read_messages;
use crate::commands::verify::{Finding, Report, with_errors};
use crate::course::{Chapter, Course};
use crate::repo::Repo;

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

impl Row {
    fn new(entry: &Entry, verdict: Result<String, String>, seconds: f64, cached: bool) -> Row {
        Row {
            exercise: entry.exercise.clone(),
            file: entry.shown.clone(),
            verdict,
            seconds,
            cached,
        }
    }
}

/// Builds and runs every entry (or takes its pass from the cache), adding a
/// finding for each as it is known; the rows, in the order of `entries`.
pub fn run_all(
    repo: &Repo,
    course: &Course,
    entries: &[Entry],
    args: &VerifyArgs,
    report: &mut Report,
) -> Result<Vec<Row>> {
    if entries.is_empty() {
        report.note("no known-wrong or alternative solution selected");
        return Ok(Vec::new());
    }
    let scratch = Scratch::new(repo);
    scratch.sync(repo)?;
    std::fs::create_dir_all(&scratch.bins)?;
    let mut cache = Cache::load(&scratch, args.fresh);
    let keys = super::cache::keys(repo, course, &scratch, entries, args.runs);
    report.note(&format!(
        "{} file(s); scratch workspace {} (target dir beside it, kept between runs)",
        entries.len(),
        repo.rel(&scratch.ws)
    ));
    let mut hits: Vec<Option<CachedPass>> = keys
        .iter()
        .map(|key| cache.passed.get(key).cloned())
        .collect();
    let mut rows: Vec<Option<Row>> = vec![None; entries.len()];
    let mut record = |index: usize, row: Row, report: &mut Report| {
        report.add(finding_of(&row));
        if let (Ok(summary), false) = (&row.verdict, row.cached) {
            let pass = CachedPass {
                summary: summary.clone(),
                seconds: row.seconds,
            };
            cache.passed.insert(keys[index].clone(), pass);
        }
        rows[index] = Some(row);
    };
    let runs = args.runs.max(1);
    let joined = |index: usize, run: ScopedJoinHandle<Row>| {
        run.join().unwrap_or_else(|_| {
            let error = "the thread running the test binary panicked (a bug of the tool)";
            Row::new(&entries[index], Err(error.into()), 0.0, false)
        })
    };
    thread::scope(|scope| -> Result<()> {
        // The run of the last swap built, going on while the next one builds.
        let mut running: Option<(usize, ScopedJoinHandle<Row>)> = None;
        let mut swapped: Option<(PathBuf, Vec<u8>)> = None;
        for (index, entry) in entries.iter().enumerate() {
            if let Some(pass) = hits[index].take() {
                let row = Row::new(entry, Ok(pass.summary), pass.seconds, true);
                record(index, row, report);
                continue;
            }
            let chapter = &course.chapters[entry.chapter];
            let crate_dir = scratch.ws.join("exercises").join(&chapter.folder);
            let file = crate_dir.join(format!("src/exercises/{}.rs", entry.exercise));
            if swapped
                .as_ref()
                .is_some_and(|(swapped, _)| *swapped != file)
            {
                restore(&mut swapped)?;
            }
            if swapped.is_none() {
                swapped = Some((file.clone(), std::fs::read(&file)?));
            }
            std::fs::write(&file, &entry.text)?;
            let binary = build(&scratch, &chapter.crate_name, &entry.exercise, index);
            // A test that runs the crate's programs (`bin_path!`) runs them
            // from the scratch target dir, which the next build would
            // overwrite while the test runs: wait for it before building on.
            let wait = runs_programs(&crate_dir.join(format!("tests/{}.rs", entry.exercise)));
            if let Some((previous, run)) = running.take() {
                record(previous, joined(previous, run), report);
            }
            let run = scope.spawn(move || run_one(entry, binary, &crate_dir, chapter, runs));
            if wait {
                record(index, joined(index, run), report);
            } else {
                running = Some((index, run));
            }
        }
        restore(&mut swapped)?;
        if let Some((previous, run)) = running.take() {
            record(previous, joined(previous, run), report);
        }
        Ok(())
    })?;
    cache.save(&scratch);
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
    let args = [
        "test",
        "--no-run",
        "--message-format=json-render-diagnostics",
        "-p",
        crate_name,
        "--test",
        exercise,
        "--target-dir",
    ];
    let args = args
        .map(Path::new)
        .into_iter()
        .chain([scratch.target.as_path()]);
    let run = crate::cargo::run_within(&scratch.ws, args, BUILD_DEADLINE)
        .map_err(|e| format!("cannot run cargo: {e:#}"))?
        .ok_or_else(|| format!("the build took longer than {BUILD_DEADLINE:?} and was killed"))?;
    if !run.success {
        let what = "does not compile against the exercise crate";
        return Err(with_errors(what, &run.stderr));
    }
    let (executable, _) = read_messages(&run.stdout, exercise);
    let executable =
        executable.ok_or_else(|| format!("cargo built no test binary for `{exercise}`"))?;
    let copy = scratch.bins.join(format!("{index}-{exercise}"));
    std::fs::copy(&executable, &copy)
        .map_err(|e| format!("cannot copy {}: {e}", executable.display()))?;
    Ok(copy)
}

/// Runs the test binary (`Err`: what the compiler said) `runs` times (each in a process group of its own,
/// stopped with its group at [`KILL_AFTER`]) and judges the result: the
/// first run that does not meet the rule decides.
fn run_one(
    entry: &Entry,
    binary: Result<PathBuf, String>,
    crate_dir: &Path,
    chapter: &Chapter,
    runs: u32,
) -> Row {
    let binary = match binary {
        Ok(binary) => binary,
        Err(error) => return Row::new(entry, Err(error), 0.0, false),
    };
    let mut row = Row::new(entry, Ok(String::new()), 0.0, false);
    for run in 1..=runs {
        let mut command = Command::new(&binary);
        command
            .current_dir(crate_dir)
            .env("CARGO_MANIFEST_DIR", crate_dir)
            .env("CARGO_PKG_NAME", &chapter.crate_name)
            .env("RUST_BACKTRACE", "0");
        let limits = testkit::Limits {
            own_group: true,
            ..testkit::Limits::in_all(KILL_AFTER)
        };
        let started = Instant::now();
        let outcome = testkit::run_command(&mut command, limits);
        let seconds = started.elapsed().as_secs_f64();
        row.seconds = row.seconds.max(seconds);
        row.verdict = match &entry.kind {
            Kind::Wrong { expect, clause, .. } => {
                judge_wrong(expect, *clause, &outcome, seconds, testkit::load_factor())
            }
            Kind::Alt { .. } => judge_alt(&outcome),
        };
        if let Err(what) = &mut row.verdict {
            if runs > 1 {
                *what = format!("run {run} of {runs}: {what}");
            }
            break;
        }
    }
    let _ = std::fs::remove_file(&binary);
    row
}

fn finding_of(row: &Row) -> Finding {
    let what = format!("{} {}", row.exercise, row.file);
    match &row.verdict {
        Ok(summary) => {
            let cached = if row.cached { " (cached)" } else { "" };
            Finding::ok(format!("{what}: {summary}{cached}"))
        }
        Err(problem) => Finding::fail(
            what,
            problem.clone(),
            "make the tests catch this (LAYOUT.md, \"Known-wrong and alternative solutions\"), or fix the file",
        ),
    }
}

pub fn print_table(rows: &[Row], elapsed: Duration) {
    if rows.is_empty() {
        return;
    }
    let width = rows.iter().map(|r| r.file.len()).fold(4, usize::max);
    let ex_width = rows.iter().map(|r| r.exercise.len()).fold(8, usize::max);
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
