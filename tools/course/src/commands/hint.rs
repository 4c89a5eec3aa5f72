//! `cargo course hint <exercise>`: the hint, the file to edit, the commands.

use std::process::ExitCode;

use anyhow::Result;

use super::{find_exercise, indent};
use crate::cli::HintArgs;
use crate::course::Course;
use crate::repo::Repo;

pub fn run(args: &HintArgs) -> Result<ExitCode> {
    let repo = Repo::discover()?;
    let course = Course::load(&repo)?;
    let (chapter, exercise) = find_exercise(&course, &args.exercise)?;
    println!(
        "Hint for `{}` (chapter {}, {}):\n",
        exercise.name, chapter.info.number, chapter.info.title
    );
    let hint = if exercise.hint.trim().is_empty() {
        "(This exercise has no hint yet.)"
    } else {
        exercise.hint.as_str()
    };
    println!("{}\n", indent(hint, 4));
    println!("Edit:  {}", repo.rel(&chapter.exercise_file(exercise)));
    println!("Tests: {}", repo.rel(&chapter.test_file(exercise)));
    println!("Run:   cargo course test {}", exercise.name);
    println!(
        "       (or plain cargo: cargo test -p {} --test {})",
        chapter.crate_name, exercise.name
    );
    Ok(ExitCode::SUCCESS)
}
