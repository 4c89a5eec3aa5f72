//! The command line: subcommands and their arguments.

use clap::{Args, Parser, Subcommand};

/// The course tool: your progress through the exercises, their tests, hints,
/// and the book.
#[derive(Debug, Parser)]
#[command(name = "cargo course", bin_name = "cargo course", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every chapter's exercises with their status and your progress.
    List(ListArgs),
    /// Run the tests of one exercise and explain the result.
    Test(TestArgs),
    /// Show the hint of one exercise, the file to edit and the test command.
    Hint(HintArgs),
    /// Check every rule of tools/course/LAYOUT.md (for authors and CI).
    Verify(VerifyArgs),
    /// Build the book into book/ (and optionally open it in a browser).
    Book(BookArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Run every exercise's tests first, to bring the statuses up to date.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The exercise, as `cargo course list` names it (e.g. ordered_results).
    pub exercise: String,
    /// Also print the raw output of the test run.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct HintArgs {
    /// The exercise, as `cargo course list` names it.
    pub exercise: String,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Skip the checks that run cargo (compiling and testing the crates).
    #[arg(long)]
    pub quick: bool,
}

#[derive(Debug, Args)]
pub struct BookArgs {
    /// Open the built book in a browser ($BROWSER, or xdg-open).
    #[arg(long)]
    pub open: bool,
}
