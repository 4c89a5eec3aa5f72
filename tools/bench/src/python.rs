//! Runs the Python side (`tools/bench/python/harness.py`) and reads its JSON.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

/// The folder of the Python benchmarks.
pub fn python_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("python")
}

/// What the harness prints on standard output.
#[derive(Debug, Deserialize)]
pub struct PythonRun {
    /// "CPython 3.11.7"
    pub python: String,
    pub results: BTreeMap<String, PythonResult>,
}

#[derive(Debug, Deserialize)]
pub struct PythonResult {
    pub seconds_per_op: f64,
}

impl PythonRun {
    /// Seconds per operation, by benchmark id.
    pub fn seconds(&self) -> BTreeMap<String, f64> {
        self.results
            .iter()
            .map(|(id, r)| (id.clone(), r.seconds_per_op))
            .collect()
    }
}

/// Operations per measurement of each Python benchmark in a `--quick` run,
/// by id, from `harness.py --list` (nothing is run).
pub fn quick_ops() -> io::Result<BTreeMap<String, u64>> {
    #[derive(Deserialize)]
    struct Listed {
        quick: (u64, u64),
    }
    let output = Command::new("python3")
        .arg(python_dir().join("harness.py"))
        .arg("--list")
        .stderr(Stdio::inherit())
        .output()?;
    if !output.status.success() {
        return Err(io::Error::other(format!(
            "harness.py --list failed ({})",
            output.status
        )));
    }
    let listed: BTreeMap<String, Listed> = serde_json::from_slice(&output.stdout)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    Ok(listed
        .into_iter()
        .map(|(id, listed)| (id, listed.quick.0))
        .collect())
}

/// Parses the harness's output.
pub fn parse(json: &str) -> io::Result<PythonRun> {
    serde_json::from_str(json).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Runs the harness with `python3` (its progress goes to our standard error)
/// and returns what it measured.
pub fn run(quick: bool, only: Option<&str>) -> io::Result<PythonRun> {
    let mut command = Command::new("python3");
    command
        .arg(python_dir().join("harness.py"))
        .current_dir(python_dir())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    if quick {
        command.arg("--quick");
    }
    if let Some(only) = only {
        command.args(["--only", only]);
    }
    let output = command.output()?;
    if !output.status.success() {
        return Err(io::Error::other(format!(
            "the Python harness failed ({}); its messages are above",
            output.status
        )));
    }
    parse(&String::from_utf8_lossy(&output.stdout))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_the_harness_output() {
        let run = parse(
            r#"{"python": "CPython 3.11.7", "results": {
                "queue/mp_queue": {"seconds_per_op": 2.5e-5, "ops": 10, "repeat": 3, "samples": [1, 2, 3]}
            }}"#,
        )
        .expect("valid harness output");
        assert_eq!(run.python, "CPython 3.11.7");
        assert_eq!(run.seconds().get("queue/mp_queue"), Some(&2.5e-5));
    }
}
