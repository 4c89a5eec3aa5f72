//! `cargo course reset <exercise> [--yes]`: put the starter code of an
//! exercise back, keeping the student's version in a backup file.
//!
//! The starter comes from git, as the file was in the first commit that added
//! it (in a student repository, the copy that was handed out, whatever the
//! student committed since), or else from the pristine copy `export-student`
//! keeps under `.course/starters/`.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, Result, bail};

use super::find_exercise;
use crate::cli::ResetArgs;
use crate::course::Course;
use crate::repo::Repo;

/// Where `export-student` keeps a pristine copy of every exercise file, by its
/// path in the repository.
pub const STARTERS_DIR: &str = ".course/starters";

pub fn run(args: &ResetArgs) -> Result<ExitCode> {
    let repo = Repo::discover()?;
    let course = Course::load(&repo)?;
    let (chapter, exercise) = find_exercise(&course, &args.exercise)?;
    let file = chapter.exercise_file(exercise);
    let rel = repo.rel(&file);
    let (starter, origin) = starter_code(&repo, &rel)?;
    let current = std::fs::read(&file).ok();
    if current.as_deref() == Some(starter.as_slice()) {
        println!("{rel} is already the starter code: nothing to reset.");
        return Ok(ExitCode::SUCCESS);
    }
    let backup = current.as_ref().map(|_| backup_path(&file));
    if !args.yes {
        let kept = match &backup {
            Some(backup) => format!(" Your version will be kept in {}.", repo.rel(backup)),
            None => String::new(),
        };
        print!("Replace {rel} with its starter code (from {origin})?{kept} [y/N] ");
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            println!(
                "\nNothing changed. (`cargo course reset {} --yes` resets without asking.)",
                exercise.name
            );
            return Ok(ExitCode::FAILURE);
        }
    }
    if let (Some(backup), Some(current)) = (&backup, &current) {
        std::fs::write(backup, current)
            .with_context(|| format!("cannot write the backup {}", repo.rel(backup)))?;
        println!("Saved your version as {}.", repo.rel(backup));
    }
    std::fs::write(&file, &starter).with_context(|| format!("cannot write {rel}"))?;
    println!("Restored the starter code of {rel} (from {origin}).");
    println!("Run its tests with: cargo course test {}", exercise.name);
    Ok(ExitCode::SUCCESS)
}

/// The starter code of the file at `rel` (relative to the repository root,
/// with `/` separators), and where it came from (`git, commit 0123456789`
/// or `.course/starters/`), for messages.
pub fn starter_code(repo: &Repo, rel: &str) -> Result<(Vec<u8>, String)> {
    if let Some(found) = from_git(repo.root(), rel) {
        return Ok(found);
    }
    let pristine = repo.root().join(STARTERS_DIR).join(rel);
    if let Ok(bytes) = std::fs::read(&pristine) {
        return Ok((bytes, format!("{STARTERS_DIR}/")));
    }
    bail!(
        "cannot find the starter code of {rel}: git has no commit with it (is this a git \
         repository, with the file committed?) and there is no {}.\n\
         Copy the file from the course repository by hand.",
        repo.rel(&pristine)
    )
}

/// The file at `rel` as the first commit that added it had it.
fn from_git(root: &Path, rel: &str) -> Option<(Vec<u8>, String)> {
    let log = git(
        root,
        &[
            "log",
            "--diff-filter=A",
            "--format=%H",
            "--",
            &format!(":(literal){rel}"),
        ],
    )?;
    let log = String::from_utf8_lossy(&log);
    let commit = log.lines().last()?.trim();
    if commit.is_empty() {
        return None;
    }
    // `./` makes the path relative to the course root, which need not be
    // the top of the git repository.
    let bytes = git(root, &["show", &format!("{commit}:./{rel}")])?;
    let short = &commit[..commit.len().min(10)];
    Some((bytes, format!("git, commit {short}")))
}

/// The output of a successful `git <args>` in `root`, or `None`.
fn git(root: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output.status.success().then_some(output.stdout)
}

/// `<file>.bak`, or `<file>.bak.2`, `.bak.3`, ... : the first that is free, so
/// that no earlier backup is overwritten.
pub fn backup_path(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::iter::once(format!("{name}.bak"))
        .chain((2..).map(|n| format!("{name}.bak.{n}")))
        .map(|candidate| file.with_file_name(candidate))
        .find(|candidate| !candidate.exists())
        .expect("some backup name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_never_overwrite_an_earlier_one() {
        let dir = std::env::temp_dir().join(format!("course-backup-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("greet.rs");
        assert_eq!(backup_path(&file), dir.join("greet.rs.bak"));
        std::fs::write(dir.join("greet.rs.bak"), "first").unwrap();
        assert_eq!(backup_path(&file), dir.join("greet.rs.bak.2"));
        std::fs::write(dir.join("greet.rs.bak.2"), "second").unwrap();
        assert_eq!(backup_path(&file), dir.join("greet.rs.bak.3"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
