//! `cargo course grade --class <dir>`: every submission folder of a class,
//! graded in parallel (bounded), each by a grader process of its own, so that
//! one submission that brings its grader down costs that student only.
//! Writes one set of reports per student and a class summary as CSV and as a
//! Markdown table.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;

use anyhow::{Context, Result, ensure};
use clap::ValueEnum;

use super::GradeArgs;
use super::grader::grade_dir;
use super::model::{SubmissionResult, Verdict};
use super::output::{points, write_file};
use crate::repo::Repo;
use crate::text::shorten;

/// One row of the class summary.
#[derive(Debug)]
pub struct Row {
    pub student: String,
    /// The graded result, or why there is none.
    pub result: Result<SubmissionResult, String>,
}

pub fn grade_class(repo: &Repo, class_dir: &Path, args: &GradeArgs) -> Result<ExitCode> {
    let students = submission_folders(class_dir)?;
    ensure!(
        !students.is_empty(),
        "{} holds no submission folder (one folder per student)",
        class_dir.display()
    );
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| grade_dir(repo).join("class"));
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let out = std::fs::canonicalize(&out)?;
    let queue = Mutex::new(students.into_iter().collect::<VecDeque<PathBuf>>());
    let rows = Mutex::new(Vec::new());
    let jobs = args.jobs.max(1);
    eprintln!(
        "Grading {} submissions, {jobs} at a time; reports in {}",
        queue.lock().unwrap().len(),
        out.display()
    );
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let Some(dir) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front()
                    else {
                        break;
                    };
                    let row = grade_one(&dir, &out, args);
                    eprintln!("{}", row_line(&row));
                    rows.lock().unwrap_or_else(|e| e.into_inner()).push(row);
                }
            });
        }
    });
    let mut rows = rows.into_inner().unwrap_or_else(|e| e.into_inner());
    rows.sort_by(|a, b| a.student.cmp(&b.student));
    let exercises = exercise_columns(&rows);
    write_file(&out.join("summary.csv"), csv(&rows, &exercises))?;
    let table = markdown(&rows, &exercises);
    write_file(&out.join("summary.md"), &table)?;
    print!("{table}");
    println!("\nReports: {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// The entries of `dir`, one per student, sorted (hidden ones left out).
/// Entries that are not real folders (a link, a file) are kept: they become
/// rows with an error, never silently dropped.
fn submission_folders(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the class folder {}", dir.display()))?
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    found.sort();
    Ok(found)
}

/// Why `dir` cannot be graded as a submission, if it cannot.
fn unreadable(dir: &Path) -> Option<String> {
    match std::fs::symlink_metadata(dir) {
        Err(error) => Some(format!("cannot read it: {error}")),
        Ok(meta) if meta.file_type().is_symlink() => Some(
            "it is a symbolic link, not a folder: links are not followed (it could lead \
             anywhere on this machine); put the student's files in a real folder"
                .into(),
        ),
        Ok(meta) if !meta.is_dir() => Some("it is not a folder".into()),
        Ok(_) => std::fs::read_dir(dir)
            .err()
            .map(|e| format!("cannot read the folder: {e}")),
    }
}

/// Grades one submission with a grader process of its own.
fn grade_one(dir: &Path, out: &Path, args: &GradeArgs) -> Row {
    let student = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let json = out.join(format!("{student}.json"));
    let _ = std::fs::remove_file(&json);
    let result = (|| -> Result<SubmissionResult, String> {
        if let Some(why) = unreadable(dir) {
            return Err(why);
        }
        let program =
            std::env::current_exe().map_err(|e| format!("cannot find the grader: {e}"))?;
        let report =
            std::fs::File::create(out.join(format!("{student}.txt"))).map_err(|e| e.to_string())?;
        let log =
            std::fs::File::create(out.join(format!("{student}.log"))).map_err(|e| e.to_string())?;
        let mut command = Command::new(program);
        command
            .arg("grade")
            .arg(dir)
            .arg("--json")
            .arg(&json)
            .arg("--junit")
            .arg(out.join(format!("{student}.junit.xml")))
            .arg("--gradescope")
            .arg(out.join(format!("{student}.gradescope.json")))
            .args(["--timeout", &args.timeout.to_string()])
            .args(["--cpu", &args.cpu.to_string()])
            .args(["--memory", &args.memory.to_string()])
            .args(["--processes", &args.processes.to_string()])
            .args(["--output-limit", &args.output_limit.to_string()])
            .args(["--compile-timeout", &args.compile_timeout.to_string()])
            .args(["--open-files", &args.open_files.to_string()])
            .args(["--tmp", &args.tmp.to_string()])
            .args(["--build-memory", &args.build_memory.to_string()])
            .args(["--build-budget", &args.build_budget.to_string()])
            .stdin(Stdio::null())
            .stdout(report)
            .stderr(log);
        if args.unconfined {
            command.arg("--unconfined").args([
                "--isolation",
                args.isolation
                    .to_possible_value()
                    .map(|v| v.get_name().to_string())
                    .unwrap_or_default()
                    .as_str(),
            ]);
        }
        for exercise in &args.exercises {
            command.args(["--exercise", exercise]);
        }
        for pair in &args.accept {
            command.args(["--accept", pair]);
        }
        let status = command
            .status()
            .map_err(|e| format!("cannot start the grader: {e}"))?;
        let text = std::fs::read_to_string(&json).map_err(|_| {
            format!("the grader stopped ({status}) without a result: see {student}.log")
        })?;
        serde_json::from_str(&text)
            .map_err(|e| format!("unreadable result {}: {e}", json.display()))
    })();
    Row { student, result }
}

fn row_line(row: &Row) -> String {
    match &row.result {
        Ok(result) => format!(
            "graded {}: {}/{}",
            row.student,
            points(result.score),
            points(result.max_score)
        ),
        Err(error) => format!("could not grade {}: {error}", row.student),
    }
}

/// Every exercise name that appears in some result, in first-seen order.
fn exercise_columns(rows: &[Row]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for result in rows.iter().filter_map(|r| r.result.as_ref().ok()) {
        for exercise in &result.exercises {
            if !names.contains(&exercise.name) {
                names.push(exercise.name.clone());
            }
        }
    }
    names
}

/// The cells of one row: student, points per exercise, total, max, errors.
fn cells(row: &Row, exercises: &[String]) -> Vec<String> {
    let mut cells = vec![row.student.clone()];
    match &row.result {
        Ok(result) => {
            for name in exercises {
                cells.push(
                    result
                        .exercises
                        .iter()
                        .find(|e| &e.name == name)
                        .map(|e| points(e.score))
                        .unwrap_or_default(),
                );
            }
            cells.push(points(result.score));
            cells.push(points(result.max_score));
            cells.push(errors_of(result));
            cells.push(capped(&review_state(result)));
            // The constructs only (the reports say why): the cell is capped.
            let short: Vec<String> = result
                .review_flags()
                .iter()
                .map(|f| {
                    let f = f.split(": it ").next().unwrap_or(f);
                    f.split(": printing").next().unwrap_or(f).to_string()
                })
                .collect();
            cells.push(capped(&short.join("; ")));
        }
        Err(error) => {
            cells.extend(exercises.iter().map(|_| String::new()));
            cells.push("0".into());
            cells.push(String::new());
            cells.push(capped(&format!("not graded: {error}")));
            cells.push(String::new());
            cells.push(String::new());
        }
    }
    cells
}

/// The errors of a result in one line: per exercise, how many tests errored
/// and the first reason.
fn errors_of(result: &SubmissionResult) -> String {
    let mut parts: Vec<String> = result.errors.clone();
    for exercise in &result.exercises {
        let errors: Vec<_> = exercise
            .tests
            .iter()
            .filter(|t| t.verdict == Verdict::Error)
            .collect();
        if let Some(first) = errors.first() {
            parts.push(format!(
                "{}: {} error(s), {}",
                exercise.name,
                errors.len(),
                first.reason.lines().next().unwrap_or_default()
            ));
        }
    }
    capped(&parts.join("; "))
}

/// The exercises whose passes wait for a teacher (they score 0 until
/// `--accept`), and those accepted.
fn review_state(result: &SubmissionResult) -> String {
    let mut parts = Vec::new();
    let held = result.held_for_review();
    if !held.is_empty() {
        parts.push(format!(
            "NEEDS REVIEW, 0 points until accepted: {}",
            held.join(", ")
        ));
    }
    let accepted: Vec<&str> = result
        .exercises
        .iter()
        .filter(|e| e.accepted)
        .map(|e| e.name.as_str())
        .collect();
    if !accepted.is_empty() {
        parts.push(format!("accepted: {}", accepted.join(", ")));
    }
    parts.join("; ")
}

/// How long a cell of the summary may be: a student's panic message or a
/// link's target must not blow up the class table.
const CELL_CHARS: usize = 500;

fn capped(text: &str) -> String {
    shorten(text, CELL_CHARS)
}

fn header(exercises: &[String]) -> Vec<String> {
    let mut header = vec!["student".to_string()];
    header.extend(exercises.iter().cloned());
    header.extend([
        "total".into(),
        "max".into(),
        "errors".into(),
        "needs review".into(),
        "flagged for review".into(),
    ]);
    header
}

pub fn csv(rows: &[Row], exercises: &[String]) -> String {
    let quote = |cell: &str| {
        if cell.contains([',', '"', '\n']) {
            format!("\"{}\"", cell.replace('"', "\"\"").replace('\n', " "))
        } else {
            cell.to_string()
        }
    };
    let mut out = String::new();
    for line in std::iter::once(header(exercises)).chain(rows.iter().map(|r| cells(r, exercises))) {
        out.push_str(&line.iter().map(|c| quote(c)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

pub fn markdown(rows: &[Row], exercises: &[String]) -> String {
    let escape = |cell: &str| cell.replace('|', "\\|").replace('\n', " ");
    let head = header(exercises);
    let mut out = format!("| {} |\n", head.join(" | "));
    out.push_str(&format!("|{}\n", " --- |".repeat(head.len())));
    for row in rows {
        let line: Vec<String> = cells(row, exercises).iter().map(|c| escape(c)).collect();
        out.push_str(&format!("| {} |\n", line.join(" | ")));
    }
    out
}
