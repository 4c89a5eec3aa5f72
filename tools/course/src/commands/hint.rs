//! `cargo course hint <exercise> [--all]`: the next level of the hint (a
//! nudge first, then the approach, then details), the file to edit, the
//! commands. The level reached is kept in the state file.

use std::process::ExitCode;

use anyhow::Result;

use super::{find_exercise, indent};
use crate::cli::HintArgs;
use crate::course::{Course, Exercise};
use crate::repo::Repo;
use crate::state::State;

pub fn run(args: &HintArgs) -> Result<ExitCode> {
    let repo = Repo::discover()?;
    let course = Course::load(&repo)?;
    let (chapter, exercise) = find_exercise(&course, &args.exercise)?;
    println!(
        "Hint for `{}` (chapter {}, {}):\n",
        exercise.name, chapter.info.number, chapter.info.title
    );
    let levels = levels(exercise);
    if levels.is_empty() {
        println!("{}\n", indent("(This exercise has no hint yet.)", 4));
    } else if args.all {
        for (index, text) in levels.iter().enumerate() {
            println!(
                "Level {} of {}:\n{}\n",
                index + 1,
                levels.len(),
                indent(text, 4)
            );
        }
    } else {
        let mut state = State::load(&repo);
        let level = state.next_hint_level(&exercise.name, levels.len());
        state.save(&repo)?;
        println!(
            "Level {level} of {}:\n{}\n",
            levels.len(),
            indent(levels[level - 1], 4)
        );
        if level < levels.len() {
            println!(
                "Still stuck? Run `cargo course hint {}` again for level {} \
                 (`--all` shows every level).\n",
                exercise.name,
                level + 1
            );
        } else {
            println!("That is the last level: the rest is yours to write.\n");
        }
    }
    println!("Edit:  {}", repo.rel(&chapter.exercise_file(exercise)));
    println!("Tests: {}", repo.rel(&chapter.test_file(exercise)));
    println!("Run:   cargo course test {}", exercise.name);
    println!(
        "       (or plain cargo: cargo test -p {} --test {})",
        chapter.crate_name, exercise.name
    );
    Ok(ExitCode::SUCCESS)
}

/// The hint's levels that have text.
pub fn levels(exercise: &Exercise) -> Vec<&str> {
    exercise
        .hints
        .iter()
        .map(|h| h.as_str())
        .filter(|h| !h.trim().is_empty())
        .collect()
}
