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
        Command::Verify(args) => commands::verify::run(&args),
        Command::Book(args) => commands::book::run(&args),
        Command::Watch(args) => commands::watch::run(&args),
        Command::Reset(args) => commands::reset::run(&args),
        Command::ExportStudent(args) => commands::export::run(&args),
        Command::ExportGradescope(args) => commands::export::run_gradescope(&args),
        Command::Grade(args) => commands::grade::run(&args),
        Command::Bench(args) => commands::bench::run(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
