//! `cargo course bench [ARGS...]`: the side-by-side benchmarks (Rust, the same
//! program in Python, and the bare system-call floor), which rewrite the
//! book's results page (src/results/).
//!
//! The work is done by the `bench-report` program of tools/bench, built in
//! release mode; this command only starts it from the repository root and
//! passes the arguments on (`--quick`, `--only TEXT`, `--out DIR`, `--render`,
//! `--cold-start`: a fresh clone's first commands in CPU seconds, `--mpi`:
//! chapter 9's MPI rows alone, under `mpirun`).

use std::process::ExitCode;

use anyhow::Result;

use crate::cargo::{self, Echo};
use crate::cli::BenchArgs;
use crate::repo::Repo;

pub fn run(args: &BenchArgs) -> Result<ExitCode> {
    let repo = Repo::discover()?;
    let mut command = vec![
        "run",
        "--release",
        "--quiet",
        "--package",
        "bench",
        "--bin",
        "bench-report",
        "--",
    ];
    command.extend(args.report_args.iter().map(String::as_str));
    let run = cargo::run(repo.root(), &command, Echo::Everything)?;
    Ok(super::exit_code(run.success))
}
