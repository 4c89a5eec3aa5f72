//! The formats a grading result is written in.

pub mod gradescope;
pub mod junit;
pub mod text;

use std::path::Path;

use anyhow::{Context, Result};

use super::model::SubmissionResult;

/// Writes `contents` to `path`, naming the file in errors.
pub fn write_file(path: &Path, contents: &str) -> Result<()> {
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

/// The `--json` document: [`SubmissionResult`] as it is.
pub fn json(result: &SubmissionResult) -> String {
    serde_json::to_string_pretty(result).expect("the result types always serialize") + "\n"
}

/// Points as reports show them: `3`, `2.5`, `0.33`.
pub fn points(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
