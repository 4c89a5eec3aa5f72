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
    /// Show the next level of one exercise's hint, the file to edit and the test command.
    Hint(HintArgs),
    /// Check every rule of tools/course/LAYOUT.md (for authors and CI).
    Verify(VerifyArgs),
    /// Build the book into book/ (and optionally open it in a browser).
    Book(BookArgs),
    /// Test the current exercise on every save of its file; move on when it passes.
    Watch(WatchArgs),
    /// Put back the starter code of one exercise (your version is kept as a .bak file).
    Reset(ResetArgs),
    /// Write a student repository: no solutions, a README, a grading workflow, one commit.
    ExportStudent(ExportStudentArgs),
    /// Write the folder to zip as a Gradescope autograder (setup.sh, run_autograder, course/).
    ExportGradescope(ExportGradescopeArgs),
    /// Grade a student's submission (or a class of them) in a sandbox: pristine tests, limits, reports.
    Grade(Box<crate::commands::grade::GradeArgs>),
    /// Run the benchmarks side by side with Python and rewrite the results page.
    Bench(BenchArgs),
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
    /// Show every level of the hint at once.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Skip the checks that run cargo (compiling and testing the crates).
    #[arg(long)]
    pub quick: bool,
    /// Run one group of checks only: `known-wrong` (the known-wrong and
    /// alternative solutions of solutions/NN-name/{wrong,alt}/).
    #[arg(long, value_enum)]
    pub only: Option<Only>,
    /// With --only known-wrong: only this exercise, or this chapter (its
    /// number or folder name, e.g. 1 or 01-threads). Repeatable.
    #[arg(long = "exercise", value_name = "EXERCISE|CHAPTER")]
    pub select: Vec<String>,
    /// With --only known-wrong: run each solution this many times (a wrong
    /// one must fail every time).
    #[arg(long, default_value_t = 1)]
    pub runs: u32,
    /// Ignore the cache of earlier passing results (target/course/known-wrong).
    #[arg(long)]
    pub fresh: bool,
}

#[derive(Debug, Args)]
pub struct BookArgs {
    /// Open the built book in a browser ($BROWSER, or xdg-open).
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The exercise to start with (default: the first one not done).
    pub exercise: Option<String>,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// The exercise, as `cargo course list` names it.
    pub exercise: String,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ExportStudentArgs {
    /// The folder to write the student repository into (new or empty).
    pub dir: std::path::PathBuf,
    /// Do not run `git init` and commit the copy.
    #[arg(long)]
    pub no_git: bool,
}

#[derive(Debug, Args)]
pub struct ExportGradescopeArgs {
    /// The folder to write the autograder into (new or empty).
    pub dir: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Passed on to tools/bench's bench-report: `--quick` (about a minute),
    /// `--only TEXT`, `--out DIR`, `--render`, `--cold-start` (a fresh
    /// clone's first commands, in CPU seconds; minutes), `--mpi` (chapter 9's
    /// MPI rows alone).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub report_args: Vec<String>,
}

/// A group of checks that `--only` can run alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Only {
    /// The known-wrong and alternative solutions (check 7).
    KnownWrong,
}
