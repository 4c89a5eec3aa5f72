//! `cargo course`: the command-line companion of the book.
//!
//! This file only parses the command line and hands over to one module per
//! subcommand (`src/commands/`), so that new subcommands stay small and
//! separate.

use std::process::ExitCode;

use clap::Parser;
use course::cli::{Cli, Command};
use course::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::List(args) => commands::list::run(&args),
        Command::Test(args) => commands::test::run(&args),
        Command::Hint(args) => commands::hint::run(&args),
        Command::Watch(args) => commands::watch::run(&args),
        Command::Reset(args) => commands::reset::run(&args),
        Command::Grade(args) => commands::grade::run(&args),
        Command::Bench(args) => commands::bench::run(&args),
        #[cfg(feature = "book")]
        Command::Verify(args) => commands::verify::run(&args),
        #[cfg(feature = "book")]
        Command::Book(args) => commands::book::run(&args),
        #[cfg(feature = "book")]
        Command::ExportStudent(args) => commands::export::run(&args),
        #[cfg(feature = "book")]
        Command::ExportGradescope(args) => commands::export::run_gradescope(&args),
        #[cfg(not(feature = "book"))]
        Command::Verify(_)
        | Command::Book(_)
        | Command::ExportStudent(_)
        | Command::ExportGradescope(_) => with_the_book(),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs this same command line again in the tool built with the `book`
/// feature (mdBook's renderer), which only the commands that read or build
/// the book need. Cargo builds it the first time, in the same target folder;
/// the program runs in the current folder, so relative paths keep working.
#[cfg(not(feature = "book"))]
fn with_the_book() -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    let repo = course::repo::Repo::discover()?;
    let manifest = repo.root().join("Cargo.toml");
    let status = std::process::Command::new(course::cargo::cargo_program())
        .args([
            "run",
            "--quiet",
            "--package",
            "course",
            "--features",
            "book",
        ])
        .arg("--manifest-path")
        .arg(manifest)
        .arg("--")
        .args(std::env::args_os().skip(1))
        .status()
        .context("cannot start cargo to build the course tool with the book")?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}
