//! Progress: what the last `cargo course test` of each exercise said, and how
//! many hint levels `cargo course hint` has shown, kept in
//! `target/course/state.json`; and the status shown by `cargo course list`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::repo::Repo;

/// Where an exercise stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The exercise file still calls `todo!(`.
    NotStarted,
    /// Edited, and its tests failed the last time, or were never run since.
    InProgress,
    /// Its tests passed the last time, and the file has not changed since.
    Done,
    /// The exercise file does not exist.
    Missing,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Status::NotStarted => "not started",
            Status::InProgress => "in progress",
            Status::Done => "done",
            Status::Missing => "missing",
        })
    }
}

/// The outcome of the last test run of one exercise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The hash of the exercise file that was tested ([`hash`]).
    pub hash: String,
    /// Whether every test passed.
    pub passed: bool,
    pub tests_passed: usize,
    pub tests_failed: usize,
}

/// The whole state file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub exercises: BTreeMap<String, Record>,
    /// How many levels of each exercise's hint have been shown so far.
    #[serde(default)]
    pub hints_shown: BTreeMap<String, usize>,
}

impl State {
    /// `target/course/state.json` of `repo`.
    pub fn path(repo: &Repo) -> PathBuf {
        repo.state_dir().join("state.json")
    }

    /// Reads the state. A missing file is an empty state; so is a damaged one
    /// (it is only a cache of test results), after a warning.
    pub fn load(repo: &Repo) -> State {
        let path = State::path(repo);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return State::default();
        };
        match serde_json::from_str(&text) {
            Ok(state) => state,
            Err(e) => {
                eprintln!(
                    "warning: ignoring {} ({e}); statuses will be refreshed by the next test runs",
                    repo.rel(&path)
                );
                State::default()
            }
        }
    }

    /// Writes the state (atomically: a temporary file, then a rename).
    pub fn save(&self, repo: &Repo) -> Result<()> {
        let path = State::path(repo);
        let dir = repo.state_dir();
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let temporary = dir.join("state.json.tmp");
        let text = serde_json::to_string_pretty(self)?;
        std::fs::write(&temporary, text + "\n")
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        std::fs::rename(&temporary, &path)
            .with_context(|| format!("cannot replace {}", path.display()))?;
        Ok(())
    }

    /// Records a test run of `exercise`, whose file had `contents` when tested.
    pub fn record(
        &mut self,
        exercise: &str,
        contents: &[u8],
        passed: bool,
        ok: usize,
        failed: usize,
    ) {
        self.exercises.insert(
            exercise.to_string(),
            Record {
                hash: hash(contents),
                passed,
                tests_passed: ok,
                tests_failed: failed,
            },
        );
    }

    /// The hint level to show next for `exercise` (1-based), out of `levels`,
    /// and remembers it: 1, 2, ..., `levels`, then `levels` again.
    pub fn next_hint_level(&mut self, exercise: &str, levels: usize) -> usize {
        let shown = self.hints_shown.entry(exercise.to_string()).or_insert(0);
        *shown = (*shown + 1).min(levels.max(1));
        *shown
    }

    /// The status of `exercise`, whose file is at `file`.
    pub fn status_of(&self, exercise: &str, file: &Path) -> Status {
        match std::fs::read(file) {
            Ok(contents) => status(&contents, self.exercises.get(exercise)),
            Err(_) => Status::Missing,
        }
    }
}

/// The status of an exercise file with `contents`, given its last test run.
pub fn status(contents: &[u8], last_run: Option<&Record>) -> Status {
    if let Some(record) = last_run
        && record.passed
        && record.hash == hash(contents)
    {
        return Status::Done;
    }
    if calls_todo(&String::from_utf8_lossy(contents)) {
        Status::NotStarted
    } else {
        Status::InProgress
    }
}

/// Whether the code still calls `todo!(` (comments, where the starter may
/// mention `todo!()` in prose, do not count).
fn calls_todo(source: &str) -> bool {
    source.lines().any(|line| {
        let code = line.split("//").next().unwrap_or("");
        code.contains("todo!(")
    })
}

/// A stable 64-bit FNV-1a hash of `bytes`, as 16 hex digits. (The standard
/// library's hasher may change between Rust releases; this one never does, so
/// the state file stays valid across toolchain updates.)
pub fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const STARTER: &[u8] =
        b"/// Spec.\npub fn f() -> u32 {\n    // TODO: return 4\n    todo!(\"return 4\")\n}\n";
    const EDITED: &[u8] = b"/// Spec.\npub fn f() -> u32 {\n    4\n}\n";

    fn record_of(contents: &[u8], passed: bool) -> Record {
        Record {
            hash: hash(contents),
            passed,
            tests_passed: 1,
            tests_failed: usize::from(!passed),
        }
    }

    #[test]
    fn a_file_that_calls_todo_is_not_started() {
        assert_eq!(status(STARTER, None), Status::NotStarted);
        assert_eq!(
            status(STARTER, Some(&record_of(STARTER, false))),
            Status::NotStarted
        );
    }

    #[test]
    fn an_edited_file_never_tested_or_failing_is_in_progress() {
        assert_eq!(status(EDITED, None), Status::InProgress);
        assert_eq!(
            status(EDITED, Some(&record_of(EDITED, false))),
            Status::InProgress
        );
    }

    #[test]
    fn a_passing_run_of_the_same_file_is_done() {
        assert_eq!(status(EDITED, Some(&record_of(EDITED, true))), Status::Done);
    }

    #[test]
    fn editing_after_a_passing_run_is_in_progress_again() {
        let later = b"pub fn f() -> u32 {\n    2 + 2\n}\n";
        assert_eq!(
            status(later, Some(&record_of(EDITED, true))),
            Status::InProgress
        );
    }

    #[test]
    fn todo_in_a_comment_does_not_count() {
        let text = b"// Replace the todo!() below.\npub fn f() -> u32 { 4 }\n";
        assert_eq!(status(text, None), Status::InProgress);
    }

    #[test]
    fn hash_is_stable() {
        assert_eq!(hash(b""), "cbf29ce484222325");
        assert_eq!(hash(b"a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn hint_levels_go_up_one_at_a_time_and_stop_at_the_last() {
        let mut state = State::default();
        let levels: Vec<usize> = (0..4).map(|_| state.next_hint_level("a", 3)).collect();
        assert_eq!(levels, [1, 2, 3, 3]);
        assert_eq!(
            state.next_hint_level("b", 2),
            1,
            "each exercise has its own level"
        );
    }

    #[test]
    fn a_state_file_without_hint_levels_still_loads() {
        let old = r#"{"exercises":{}}"#;
        assert_eq!(
            serde_json::from_str::<State>(old).unwrap(),
            State::default()
        );
    }

    #[test]
    fn the_state_round_trips_through_json() {
        let mut state = State::default();
        state.record("ordered_results", EDITED, true, 3, 0);
        state.next_hint_level("ordered_results", 3);
        let text = serde_json::to_string(&state).unwrap();
        assert_eq!(serde_json::from_str::<State>(&text).unwrap(), state);
    }
}
