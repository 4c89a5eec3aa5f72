//! The formats a grading result is written in.

pub mod gradescope;
pub mod junit;
pub mod text;

use super::model::SubmissionResult;

pub use crate::repo::write_file;

/// The `--json` document: [`SubmissionResult`] as it is.
pub fn json(result: &SubmissionResult) -> String {
    serde_json::to_string_pretty(result).expect("the result types always serialize") + "\n"
}

/// Points as reports show them: `3`, `2.5`, `0.33`.
pub fn points(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
