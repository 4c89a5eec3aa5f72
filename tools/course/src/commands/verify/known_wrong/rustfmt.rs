//! Every known-wrong and alternative solution is formatted as `cargo fmt`
//! would format it (checked with `rustfmt --check`, which runs nothing).

use std::path::Path;
use std::process::{Command, Stdio};

use super::Entry;
use crate::commands::verify::Finding;
use crate::repo::Repo;

pub fn check(repo: &Repo, entries: &[Entry]) -> Vec<Finding> {
    if entries.is_empty() {
        return Vec::new();
    }
    let edition = workspace_edition(repo);
    // `-l`: the names of the files that are not formatted, one a line.
    let output = Command::new("rustfmt")
        .args(["--check", "-l", "--edition", &edition])
        .args(entries.iter().map(|e| &e.file))
        .stdin(Stdio::null())
        .output();
    let output = match output {
        Ok(output) => output,
        Err(error) => {
            return vec![Finding::fail(
                "rustfmt",
                format!("cannot run rustfmt: {error}"),
                "install it: rustup component add rustfmt",
            )];
        }
    };
    if output.status.success() {
        return vec![Finding::ok(format!(
            "{} known-wrong and alternative solution(s) are rustfmt-clean",
            entries.len()
        ))];
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    if stdout.trim().is_empty() {
        return vec![Finding::fail(
            "rustfmt",
            format!(
                "rustfmt failed:\n{}",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
            "make every solution file parse (rustfmt names the file above)",
        )];
    }
    stdout
        .lines()
        .map(|file| {
            let shown = repo.rel(Path::new(file));
            Finding::fail(
                &shown,
                "is not formatted as rustfmt would",
                format!("run: rustfmt --edition {edition} {shown}"),
            )
        })
        .collect()
}

/// `[workspace.package] edition` of the workspace's Cargo.toml.
fn workspace_edition(repo: &Repo) -> String {
    std::fs::read_to_string(repo.root().join("Cargo.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| {
            t.get("workspace")?
                .get("package")?
                .get("edition")?
                .as_str()
                .map(String::from)
        })
        .unwrap_or_else(|| "2024".to_string())
}
