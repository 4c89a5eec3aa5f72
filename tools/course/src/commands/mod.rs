//! One module per subcommand. Each `run` returns the process exit code, or an
//! error that `main` prints.

pub mod bench;
#[cfg(feature = "book")]
pub mod book;
#[cfg(feature = "book")]
pub mod export;
pub mod grade;
pub mod hint;
pub mod list;
pub mod reset;
pub mod test;
#[cfg(feature = "book")]
pub mod verify;
pub mod watch;

use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::course::{Chapter, Course, Exercise};
use crate::suggest::did_you_mean;

/// The exercise called `name`, or an error that suggests the closest name and
/// lists them all.
pub fn find_exercise<'a>(course: &'a Course, name: &str) -> Result<(&'a Chapter, &'a Exercise)> {
    if let Some(found) = course.find(name) {
        return Ok(found);
    }
    let names = course.names();
    if names.is_empty() {
        bail!(
            "there is no exercise `{name}`: this course has no exercises yet (no exercises/*/course.toml)"
        );
    }
    let suggestion = match did_you_mean(name, &names) {
        Some(close) => format!(" Did you mean `{close}`?"),
        None => String::new(),
    };
    bail!(
        "there is no exercise `{name}`.{suggestion}\nThe exercises are: {}\n(`cargo course list` shows them by chapter.)",
        names.join(", ")
    )
}

/// The exit code of a command that succeeded or not.
pub fn exit_code(success: bool) -> ExitCode {
    if success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Indents every line of `text` by `spaces`, dropping leading and trailing
/// blank lines.
pub fn indent(text: &str, spaces: usize) -> String {
    let pad = " ".repeat(spaces);
    text.trim_matches('\n')
        .lines()
        .map(|line| {
            if line.trim().is_empty() {
                String::new()
            } else {
                format!("{pad}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
