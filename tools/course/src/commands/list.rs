//! `cargo course list [--check]`: chapters, exercises, statuses, progress.

use std::process::ExitCode;

use anyhow::Result;

use super::test::run_exercise;
use crate::cargo::Echo;
use crate::cli::ListArgs;
use crate::course::Course;
use crate::repo::Repo;
use crate::state::{State, Status};

pub fn run(args: &ListArgs) -> Result<ExitCode> {
    let repo = Repo::discover()?;
    let course = Course::load(&repo)?;
    if course.chapters.is_empty() {
        println!("No chapters yet: no exercises/*/course.toml was found.");
        return Ok(ExitCode::SUCCESS);
    }
    if args.check {
        for (chapter, exercise) in course.exercises() {
            eprint!("testing {} ... ", exercise.name);
            let outcome = run_exercise(&repo, chapter, exercise, Echo::Quiet)?;
            eprintln!("{}", if outcome.passed { "passed" } else { "failed" });
        }
        eprintln!();
    }
    let state = State::load(&repo);
    let width = course
        .exercises()
        .map(|(_, e)| e.name.len())
        .max()
        .unwrap_or(0);
    let mut done = 0;
    let mut total = 0;
    for chapter in &course.chapters {
        println!(
            "Chapter {}: {}  (cargo test -p {})",
            chapter.info.number, chapter.info.title, chapter.crate_name
        );
        for exercise in &chapter.exercises {
            let status = state.status_of(&exercise.name, &chapter.exercise_file(exercise));
            total += 1;
            done += usize::from(status == Status::Done);
            println!(
                "  {:<width$}  {:<11}  {:<3}  {:>3} min  {}",
                exercise.name,
                status,
                "*".repeat(usize::from(exercise.difficulty)),
                exercise.minutes,
                exercise.summary,
            );
        }
        println!();
    }
    println!("{done}/{total} exercises done.");
    if !args.check {
        println!(
            "(`cargo course list --check` runs every exercise's tests to refresh the statuses.)"
        );
    }
    Ok(ExitCode::SUCCESS)
}
