//! The scratch copy of the workspace that each swap is built in,
//! `target/course/known-wrong/ws`: the exercise crates and the tool crates
//! they use, mirrored file by file (only changed files are written, so that
//! cargo rebuilds only what changed), with a target directory beside it that
//! persists across runs. Also the hashes of its trees, for the cache keys.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::repo::Repo;
use crate::state::hash;

/// The folders mirrored: the exercise crates and the tool crates they use.
const MIRRORED: [&str; 4] = [
    "exercises",
    "tools/testkit",
    "tools/timeline",
    "tools/workspace-hack",
];

/// `target/course/known-wrong`: the scratch workspace, its target directory,
/// copies of the test binaries being run, and the cache.
pub struct Scratch {
    pub root: PathBuf,
    pub ws: PathBuf,
    pub target: PathBuf,
    pub bins: PathBuf,
}

impl Scratch {
    pub fn new(repo: &Repo) -> Scratch {
        let root = repo.state_dir().join("known-wrong");
        Scratch {
            ws: root.join("ws"),
            target: root.join("target"),
            bins: root.join("bins"),
            root,
        }
    }

    /// Brings the scratch workspace up to date with the repository.
    pub fn sync(&self, repo: &Repo) -> Result<()> {
        std::fs::create_dir_all(&self.ws)
            .with_context(|| format!("cannot create {}", self.ws.display()))?;
        let mut members = vec!["exercises/*"];
        for dir in MIRRORED {
            let from = repo.root().join(dir);
            if dir != "exercises" && from.join("Cargo.toml").is_file() {
                members.push(dir);
            }
            sync_tree(&from, &self.ws.join(dir))?;
        }
        let manifest = std::fs::read_to_string(repo.root().join("Cargo.toml"))
            .context("cannot read the workspace's Cargo.toml")?;
        write_if_changed(
            &self.ws.join("Cargo.toml"),
            scratch_workspace(&manifest, &members)?.as_bytes(),
        )?;
        let lock = std::fs::read(repo.root().join("Cargo.lock")).unwrap_or_default();
        // Cargo trims the packages the scratch workspace lacks from its copy;
        // the original is kept beside it so that an unchanged lock is not
        // written again on every run.
        let original = self.root.join("Cargo.lock.orig");
        if std::fs::read(&original).ok().as_deref() != Some(&lock[..]) {
            std::fs::write(self.ws.join("Cargo.lock"), &lock)?;
            std::fs::write(&original, &lock)?;
        }
        Ok(())
    }
}

/// The workspace manifest of the scratch copy: the exercise crates and the
/// two tool crates they use, nothing else.
fn scratch_workspace(manifest: &str, members: &[&str]) -> Result<String> {
    let mut table: toml::Table = manifest.parse().context("the workspace's Cargo.toml")?;
    let workspace = table
        .get_mut("workspace")
        .and_then(|w| w.as_table_mut())
        .context("the workspace's Cargo.toml has no [workspace]")?;
    workspace.insert("members".into(), members.to_vec().into());
    workspace.remove("default-members");
    workspace.remove("exclude");
    Ok(format!(
        "# Written by `cargo course verify --only known-wrong`: a scratch copy.\n{}",
        toml::to_string(&table)?
    ))
}

/// Whether the test file `test` runs the crate's programs (`bin_path!`).
pub fn runs_programs(test: &Path) -> bool {
    std::fs::read_to_string(test)
        .is_ok_and(|t| t.contains("bin_path!") || t.contains("CARGO_BIN_EXE"))
}

/// An exercise crate's manifest in the scratch copy builds no programs
/// unless a test of the crate runs one: a swap then relinks nothing else.
fn scratch_manifest(crate_dir: &Path, contents: Vec<u8>) -> Vec<u8> {
    if !crate_dir.join("src/bin").is_dir()
        || tree_files(&crate_dir.join("tests")).any(|test| runs_programs(&test))
    {
        return contents;
    }
    let Ok(mut manifest) = String::from_utf8_lossy(&contents).parse::<toml_edit::DocumentMut>()
    else {
        return contents;
    };
    match manifest.get_mut("package").and_then(|p| p.as_table_mut()) {
        Some(package) => {
            package.insert("autobins", toml_edit::value(false));
            manifest.to_string().into_bytes()
        }
        None => contents,
    }
}

/// The files under `dir` (no links), sorted, `target/` folders left out. A
/// missing folder has none.
fn tree_files(dir: &Path) -> impl Iterator<Item = PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !(e.file_type().is_dir() && e.file_name() == "target"))
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
}

/// Mirrors the tree `from` into `to` (manifests through
/// [`scratch_manifest`]): writes the files whose contents differ, deletes
/// those `from` does not have.
fn sync_tree(from: &Path, to: &Path) -> Result<()> {
    let mut wanted = BTreeSet::new();
    for file in tree_files(from) {
        let mut contents = std::fs::read(&file)?;
        if file.ends_with("Cargo.toml")
            && let Some(crate_dir) = file.parent()
        {
            contents = scratch_manifest(crate_dir, contents);
        }
        let relative = file.strip_prefix(from)?;
        write_if_changed(&to.join(relative), &contents)?;
        wanted.insert(relative.to_path_buf());
    }
    for file in tree_files(to) {
        if !wanted.contains(file.strip_prefix(to)?) {
            let _ = std::fs::remove_file(&file);
        }
    }
    Ok(())
}

fn write_if_changed(path: &Path, contents: &[u8]) -> Result<()> {
    if std::fs::read(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

/// A hash of every file under `dir` (paths and contents), `target/` aside.
pub fn tree_hash(dir: &Path) -> String {
    let mut bytes = Vec::new();
    for file in tree_files(dir) {
        let relative = file.strip_prefix(dir).unwrap_or(&file);
        bytes.extend_from_slice(relative.to_string_lossy().as_bytes());
        bytes.push(0);
        bytes.extend(std::fs::read(&file).unwrap_or_default());
        bytes.push(0);
    }
    hash(&bytes)
}

/// The exercise crates `dir`'s manifest depends on by path.
pub fn path_dependencies(dir: &Path) -> Vec<PathBuf> {
    let Some(table) = std::fs::read_to_string(dir.join("Cargo.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
    else {
        return Vec::new();
    };
    ["dependencies", "dev-dependencies"]
        .iter()
        .filter_map(|key| table.get(*key)?.as_table())
        .flat_map(|deps| deps.values())
        .filter_map(|dep| dep.get("path")?.as_str())
        .map(|path| crate::repo::normalize(&dir.join(path)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scratch_workspace_has_the_exercise_crates_and_their_tools_only() {
        let manifest = "[workspace]\nmembers = [\"exercises/*\", \"solutions/*\", \"tools/course\"]\n\
            default-members = [\"solutions/*\"]\n[workspace.dependencies]\ntestkit = { path = \"tools/testkit\" }\n";
        let members = ["exercises/*", "tools/testkit", "tools/timeline"];
        let scratch: toml::Table = scratch_workspace(manifest, &members)
            .unwrap()
            .parse()
            .unwrap();
        let workspace = scratch["workspace"].as_table().unwrap();
        assert_eq!(
            workspace["members"].as_array().unwrap().len(),
            3,
            "{workspace:?}"
        );
        assert!(!workspace.contains_key("default-members"));
        assert!(workspace.contains_key("dependencies"));
    }

    #[test]
    fn programs_are_left_out_of_a_crate_whose_tests_do_not_run_them() {
        let dir = std::env::temp_dir().join(format!("course-scratch-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src/bin")).unwrap();
        std::fs::create_dir_all(dir.join("tests")).unwrap();
        std::fs::write(dir.join("tests/a.rs"), "#[test]\nfn a() {}\n").unwrap();
        let manifest = b"# the chapter's crate\n[package]\nname = \"x\" # kept\n\n[dependencies]\n";
        let edited = String::from_utf8(scratch_manifest(&dir, manifest.to_vec())).unwrap();
        let table: toml::Table = edited.parse().unwrap();
        assert_eq!(
            table["package"]["autobins"].as_bool(),
            Some(false),
            "{edited}"
        );
        assert!(
            edited.contains("# the chapter's crate") && edited.contains("# kept"),
            "{edited}"
        );
        std::fs::write(dir.join("tests/b.rs"), "let p = bin_path!(\"x\");\n").unwrap();
        let kept = scratch_manifest(&dir, manifest.to_vec());
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(kept, manifest, "a test runs the programs: they stay");
    }
}
