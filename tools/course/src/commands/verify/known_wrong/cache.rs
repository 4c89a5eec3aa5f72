//! Results of earlier passes, in `target/course/known-wrong/cache.json`: a
//! file whose verdict was a pass is not built and run again while nothing
//! its verdict depends on has changed (its text, its exercise crate and the
//! crates that one depends on, testkit, timeline, Cargo.lock, the rules and
//! the number of runs).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Entry;
use super::scratch::{Scratch, path_dependencies, tree_hash};
use crate::course::Course;
use crate::repo::Repo;
use crate::state::hash;

/// Part of every cache key: change it when the rules change.
const RULES_VERSION: &str = "known-wrong rules 1";

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    pub passed: BTreeMap<String, CachedPass>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedPass {
    pub summary: String,
    pub seconds: f64,
}

impl Cache {
    fn path(scratch: &Scratch) -> PathBuf {
        scratch.root.join("cache.json")
    }

    /// The cache, or an empty one when it is missing, damaged, or `fresh`.
    pub fn load(scratch: &Scratch, fresh: bool) -> Cache {
        if fresh {
            return Cache::default();
        }
        std::fs::read_to_string(Cache::path(scratch))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, scratch: &Scratch) {
        if let Ok(text) = serde_json::to_string_pretty(self) {
            let _ = std::fs::write(Cache::path(scratch), text);
        }
    }
}

/// The cache key of each entry: a hash of everything its verdict depends on.
pub fn keys(
    repo: &Repo,
    course: &Course,
    scratch: &Scratch,
    entries: &[Entry],
    runs: u32,
) -> Vec<String> {
    let shared = format!(
        "{RULES_VERSION}\0{}\0{}\0{}\0runs {runs}",
        tree_hash(&scratch.ws.join("tools/testkit")),
        tree_hash(&scratch.ws.join("tools/timeline")),
        hash(&std::fs::read(repo.root().join("Cargo.lock")).unwrap_or_default()),
    );
    let mut crate_hashes: BTreeMap<usize, String> = BTreeMap::new();
    entries
        .iter()
        .map(|entry| {
            let crate_hash = crate_hashes.entry(entry.chapter).or_insert_with(|| {
                let chapter = &course.chapters[entry.chapter];
                let dir = scratch.ws.join("exercises").join(&chapter.folder);
                let mut text = tree_hash(&dir);
                for dependency in path_dependencies(&dir) {
                    text.push_str(&tree_hash(&dependency));
                }
                text
            });
            let key = format!(
                "{shared}\0{crate_hash}\0{}\0{}\0{:?}",
                entry.exercise, entry.text, entry.kind
            );
            hash(key.as_bytes())
        })
        .collect()
}
