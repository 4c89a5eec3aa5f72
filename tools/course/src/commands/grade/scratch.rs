//! The scratch copy a submission is graded in: the teacher's pristine tree
//! (exercise crates, their path dependencies such as tools/testkit, the root
//! Cargo.toml and Cargo.lock) into which only the graded exercise file of the
//! student is copied. Tests, manifests and the other exercises' files are the
//! teacher's, whatever the submission holds; nothing else of the teacher's
//! checkout (solutions, .cargo/, tools other than the path dependencies) is
//! in it.
//!
//! It lives in the slot's root-only folder (`/var/tmp/course-grade-0/slot-N/
//! work`), outside the teacher's checkout, so that no `.cargo/config.toml`
//! above it is read. Files keep the teacher's modification times, so that the
//! teacher's build of an earlier grading stays fresh for cargo.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::course::{Chapter, Course, Exercise};
use crate::repo::Repo;

/// A scratch workspace and its target directory.
#[derive(Debug)]
pub struct Scratch {
    pub root: PathBuf,
    /// The teacher's repository it was copied from.
    teacher: PathBuf,
}

impl Scratch {
    /// Builds the scratch tree of `slot` afresh from the teacher's `repo`,
    /// with the chapters of `course`.
    pub fn create(repo: &Repo, course: &Course, root: &Path) -> Result<Scratch> {
        let root = root.to_path_buf();
        if root.exists() {
            std::fs::remove_dir_all(&root)
                .with_context(|| format!("cannot empty the scratch tree {}", root.display()))?;
        }
        std::fs::create_dir_all(&root)
            .with_context(|| format!("cannot create {}", root.display()))?;
        let manifest_path = repo.root().join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest_path)
            .with_context(|| format!("cannot read {}", manifest_path.display()))?;
        let mut manifest: toml::Table = text
            .parse()
            .context("the root Cargo.toml is not valid TOML")?;
        let mut members: Vec<String> = course
            .chapters
            .iter()
            .map(|c| format!("exercises/{}", c.folder))
            .collect();
        for chapter in &course.chapters {
            copy_tree(&chapter.dir, &root.join("exercises").join(&chapter.folder))?;
        }
        for dependency in workspace_path_dependencies(&manifest) {
            let from = repo.root().join(&dependency);
            if from.is_dir() {
                copy_tree(&from, &root.join(&dependency))?;
                members.push(dependency);
            }
        }
        if let Some(toml::Value::Table(workspace)) = manifest.get_mut("workspace") {
            workspace.insert(
                "members".into(),
                toml::Value::Array(members.into_iter().map(toml::Value::String).collect()),
            );
            workspace.remove("default-members");
        }
        let written = root.join("Cargo.toml");
        std::fs::write(&written, toml::to_string(&manifest)?)?;
        keep_time(&manifest_path, &written)?;
        for file in ["Cargo.lock", "rust-toolchain", "rust-toolchain.toml"] {
            let from = repo.root().join(file);
            if from.is_file() {
                copy_file(&from, &root.join(file))?;
            }
        }
        Ok(Scratch {
            root,
            teacher: repo.root().to_path_buf(),
        })
    }

    /// The exercise crate's folder in the scratch tree.
    pub fn crate_dir(&self, chapter: &Chapter) -> PathBuf {
        self.root.join("exercises").join(&chapter.folder)
    }

    fn exercise_file(&self, chapter: &Chapter, exercise: &Exercise) -> PathBuf {
        self.crate_dir(chapter)
            .join("src")
            .join("exercises")
            .join(format!("{}.rs", exercise.name))
    }

    /// Puts `contents` in place of the exercise file.
    pub fn install(&self, chapter: &Chapter, exercise: &Exercise, contents: &[u8]) -> Result<()> {
        let path = self.exercise_file(chapter, exercise);
        std::fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Puts the teacher's starter file back, with its time.
    pub fn restore_starter(&self, chapter: &Chapter, exercise: &Exercise) -> Result<()> {
        let starter = chapter.exercise_file(exercise);
        debug_assert!(starter.starts_with(&self.teacher));
        copy_file(&starter, &self.exercise_file(chapter, exercise))
    }
}

/// The `path = "..."` entries of `[workspace.dependencies]`, relative paths
/// inside the repository only.
fn workspace_path_dependencies(manifest: &toml::Table) -> Vec<String> {
    let Some(dependencies) = manifest
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|d| d.as_table())
    else {
        return Vec::new();
    };
    dependencies
        .values()
        .filter_map(|d| d.get("path")?.as_str())
        .filter(|p| !p.starts_with('/') && !p.split('/').any(|part| part == ".."))
        .map(|p| p.trim_end_matches('/').to_string())
        .collect()
}

/// Copies a folder recursively, leaving out `target/` folders and links.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in
        std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?
    {
        let entry = entry?;
        let kind = entry.file_type()?;
        let destination = to.join(entry.file_name());
        if kind.is_dir() {
            if entry.file_name() != "target" {
                copy_tree(&entry.path(), &destination)?;
            }
        } else if kind.is_file() {
            copy_file(&entry.path(), &destination)?;
        }
    }
    Ok(())
}

/// Copies a file with its modification time.
fn copy_file(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to).with_context(|| format!("cannot copy {}", from.display()))?;
    keep_time(from, to)
}

/// Gives `to` the modification time of `from`.
fn keep_time(from: &Path, to: &Path) -> Result<()> {
    let time = std::fs::metadata(from)?.modified()?;
    std::fs::File::options()
        .write(true)
        .open(to)?
        .set_modified(time)
        .with_context(|| format!("cannot set the time of {}", to.display()))
}
