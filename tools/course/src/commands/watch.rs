//! `cargo course watch [exercise]`: run the current exercise's tests on every
//! save of its file, and move on to the next exercise when they pass, as
//! rustlings does.
//!
//! The file is polled (its contents hashed every [`POLL`]) rather than watched
//! with inotify: it is one file, polling costs nothing, and it works the same
//! on every file system, editors that replace files included. Commands are read
//! line by line from standard input, so the loop works without a terminal too
//! (the tests drive it through a pipe).

use std::io::BufRead;
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use anyhow::Result;

use super::find_exercise;
use crate::cli::{HintArgs, TestArgs, WatchArgs};
use crate::course::{Chapter, Course, Exercise};
use crate::repo::Repo;
use crate::state::{self, State, Status};

/// How often the exercise file is read.
pub const POLL: Duration = Duration::from_millis(300);

/// What the student typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Rerun,
    Hint,
    Help,
}

impl Command {
    /// The command a line of input asks for, if any.
    pub fn parse(line: &str) -> Option<Command> {
        match line.trim().to_ascii_lowercase().as_str() {
            "q" | "quit" | "exit" => Some(Command::Quit),
            "r" | "run" => Some(Command::Rerun),
            "h" | "hint" => Some(Command::Hint),
            "" | "?" | "help" => Some(Command::Help),
            _ => None,
        }
    }
}

pub fn run(args: &WatchArgs) -> Result<ExitCode> {
    let repo = Repo::discover()?;
    let course = Course::load(&repo)?;
    let mut current = match &args.exercise {
        Some(name) => find_exercise(&course, name)?.1.name.clone(),
        None => match next_not_done(&repo, &course, None) {
            Some(name) => name,
            None => {
                println!("Every exercise is done: there is nothing left to watch.");
                return Ok(ExitCode::SUCCESS);
            }
        },
    };
    let commands = read_commands();
    loop {
        let (chapter, exercise) = find_exercise(&course, &current)?;
        match watch_one(&repo, chapter, exercise, &commands)? {
            Watched::Quit => {
                println!("Stopped watching.");
                return Ok(ExitCode::SUCCESS);
            }
            Watched::Passed => match next_not_done(&repo, &course, Some(&current)) {
                Some(next) => {
                    println!("\n==> `{current}` is done: moving on to `{next}`.\n");
                    current = next;
                }
                None => {
                    println!("\n==> Every exercise is done. Well done!");
                    return Ok(ExitCode::SUCCESS);
                }
            },
        }
    }
}

/// How watching one exercise ended.
enum Watched {
    Passed,
    Quit,
}

/// Tests `exercise` now and after every change of its file, until its tests
/// pass or the student quits.
fn watch_one(
    repo: &Repo,
    chapter: &Chapter,
    exercise: &Exercise,
    commands: &Receiver<Command>,
) -> Result<Watched> {
    let file = chapter.exercise_file(exercise);
    let mut tested: Option<String> = None;
    let mut rerun = true;
    loop {
        let contents = std::fs::read(&file).unwrap_or_default();
        let hash = state::hash(&contents);
        if rerun || tested.as_deref() != Some(hash.as_str()) {
            // An editor may write the file in several steps: wait until two
            // reads one poll apart agree.
            if !rerun {
                thread::sleep(POLL);
                if state::hash(&std::fs::read(&file).unwrap_or_default()) != hash {
                    continue;
                }
            }
            rerun = false;
            tested = Some(hash);
            super::test::run(&TestArgs {
                exercise: exercise.name.clone(),
                verbose: false,
            })?;
            if State::load(repo).status_of(&exercise.name, &file) == Status::Done {
                return Ok(Watched::Passed);
            }
            println!(
                "\nWatching {} for changes. Save it to test again; type `h` + Enter for the hint, \
                 `r` to run again, `q` to quit.",
                repo.rel(&file)
            );
        }
        match commands.recv_timeout(POLL) {
            Ok(Command::Quit) => return Ok(Watched::Quit),
            Ok(Command::Rerun) => rerun = true,
            Ok(Command::Hint) => {
                println!();
                super::hint::run(&HintArgs {
                    exercise: exercise.name.clone(),
                    all: false,
                })?;
            }
            Ok(Command::Help) => println!(
                "Commands: `h` the hint, `r` run the tests again, `q` quit (or Ctrl-C). \
                 Saving {} runs the tests.",
                repo.rel(&file)
            ),
            // No input (or none any more, as under a pipe that was closed):
            // keep watching the file; Ctrl-C still quits.
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => thread::sleep(POLL),
        }
    }
}

/// The first exercise, in course order, that is not done, starting after
/// `after` and wrapping around to the beginning.
pub fn next_not_done(repo: &Repo, course: &Course, after: Option<&str>) -> Option<String> {
    let state = State::load(repo);
    let all: Vec<(&Chapter, &Exercise)> = course.exercises().collect();
    let start = after
        .and_then(|name| all.iter().position(|(_, e)| e.name == name))
        .map_or(0, |i| i + 1);
    all[start..]
        .iter()
        .chain(&all[..start])
        .find(|(c, e)| state.status_of(&e.name, &c.exercise_file(e)) != Status::Done)
        .map(|(_, e)| e.name.clone())
}

/// Reads commands from standard input on a thread of its own. The channel
/// disconnects when input ends.
fn read_commands() -> Receiver<Command> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            match Command::parse(&line) {
                Some(command) => {
                    if sender.send(command).is_err() {
                        break;
                    }
                }
                None => println!("Unknown command `{}`: type `?` for help.", line.trim()),
            }
        }
    });
    receiver
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_single_letters_or_words() {
        assert_eq!(Command::parse("q\n"), Some(Command::Quit));
        assert_eq!(Command::parse(" Quit "), Some(Command::Quit));
        assert_eq!(Command::parse("r"), Some(Command::Rerun));
        assert_eq!(Command::parse("hint"), Some(Command::Hint));
        assert_eq!(Command::parse(""), Some(Command::Help));
        assert_eq!(Command::parse("make it pass"), None);
    }
}
