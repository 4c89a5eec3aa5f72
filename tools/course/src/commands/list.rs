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
        if let Some(missing) = chapter.info.missing_requirements() {
            println!("  ({missing})");
        }
        let mut chapter_done = 0;
        for exercise in &chapter.exercises {
            let status = state.status_of(&exercise.name, &chapter.exercise_file(exercise));
            total += 1;
            done += usize::from(status == Status::Done);
            chapter_done += usize::from(status == Status::Done);
            println!(
                "  {:<width$}  {:<11}  {:<3}  {:>3} min  {}",
                exercise.name,
                status,
                "*".repeat(usize::from(exercise.difficulty)),
                exercise.minutes,
                exercise.summary,
            );
        }
        println!(
            "  {} {chapter_done}/{} done",
            progress_bar(chapter_done, chapter.exercises.len(), 10),
            chapter.exercises.len()
        );
        println!();
    }
    println!(
        "{} {done}/{total} exercises done.",
        progress_bar(done, total, 30)
    );
    if !args.check {
        println!(
            "(`cargo course list --check` runs every exercise's tests to refresh the statuses.)"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `[#######.............]`: `done` out of `total`, `width` characters wide
/// between the brackets. Partly done rounds down, so that only a finished
/// course shows a full bar.
pub fn progress_bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done.min(total) * width).checked_div(total).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), ".".repeat(width - filled))
}

#[cfg(test)]
mod tests {
    use super::progress_bar;

    #[test]
    fn the_bar_fills_in_proportion_and_only_when_all_are_done() {
        assert_eq!(progress_bar(0, 4, 8), "[........]");
        assert_eq!(progress_bar(1, 4, 8), "[##......]");
        assert_eq!(progress_bar(22, 23, 10), "[#########.]");
        assert_eq!(progress_bar(23, 23, 10), "[##########]");
        assert_eq!(progress_bar(0, 0, 5), "[.....]");
    }
}
