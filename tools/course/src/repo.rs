//! Finding the course repository and naming paths inside it.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The root of the course repository: the folder whose `Cargo.toml` has a
/// `[workspace]` table and which holds an `exercises/` folder.
#[derive(Debug, Clone)]
pub struct Repo {
    root: PathBuf,
}

impl Repo {
    /// Walks up from the current directory to the first folder that is a
    /// course repository.
    pub fn discover() -> Result<Repo> {
        let start = std::env::current_dir().context("cannot read the current directory")?;
        for dir in start.ancestors() {
            if is_course_root(dir) {
                return Ok(Repo::at(dir));
            }
        }
        bail!(
            "no course repository found in {} or above it.\n\
             Run this command inside the book's repository: the folder whose Cargo.toml \
             has a [workspace] table and which has an exercises/ folder.",
            start.display()
        )
    }

    /// A repository at a known root (no checks).
    pub fn at(root: &Path) -> Repo {
        Repo {
            root: root.to_path_buf(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `exercises/` under the root.
    pub fn exercises_dir(&self) -> PathBuf {
        self.root.join("exercises")
    }

    /// `solutions/` under the root.
    pub fn solutions_dir(&self) -> PathBuf {
        self.root.join("solutions")
    }

    /// `src/`, the book's sources.
    pub fn book_src(&self) -> PathBuf {
        self.root.join("src")
    }

    /// Where the tool keeps its own files (`target/course/`).
    pub fn state_dir(&self) -> PathBuf {
        self.root.join("target").join("course")
    }

    /// `path` relative to the root, with `/` separators, for messages. Paths
    /// outside the repository are shown whole.
    pub fn rel(&self, path: &Path) -> String {
        let path = normalize(path);
        match path.strip_prefix(normalize(&self.root)) {
            Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
            Ok(rel) => slash_path(rel),
            Err(_) => path.display().to_string(),
        }
    }

    /// Whether `path` (already normalized or not) lies inside the repository.
    pub fn contains(&self, path: &Path) -> bool {
        normalize(path).starts_with(normalize(&self.root))
    }
}

fn is_course_root(dir: &Path) -> bool {
    if !dir.join("exercises").is_dir() {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
        return false;
    };
    match text.parse::<toml::Table>() {
        Ok(table) => table.contains_key("workspace"),
        Err(_) => false,
    }
}

/// Resolves `.` and `..` without touching the file system (so that it works
/// for paths that do not exist, which is what error messages are about).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` with `/` between its components, whatever the platform.
pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Writes `contents` to `path`, creating its folder first; errors name the
/// file.
pub fn write_file(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

/// All files under `dir` (recursively) whose name ends with `suffix`, sorted.
/// A missing folder has no files.
pub fn files_with_suffix(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|entry| !entry.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .filter(|path| path.to_string_lossy().ends_with(suffix))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_removes_dots() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d.rs")),
            PathBuf::from("/a/c/d.rs")
        );
    }

    #[test]
    fn rel_shows_repository_paths_with_slashes() {
        let repo = Repo::at(Path::new("/work/book"));
        assert_eq!(
            repo.rel(Path::new("/work/book/src/01/../02/x.md")),
            "src/02/x.md"
        );
        assert_eq!(repo.rel(Path::new("/elsewhere/x")), "/elsewhere/x");
        assert!(!repo.contains(Path::new("/work/book/../secret")));
    }
}
