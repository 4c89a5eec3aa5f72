//! `cargo course grade`: grade a student's submission safely.
//!
//! The student's exercise files are copied, one exercise at a time, into a
//! scratch copy of the teacher's pristine tree (so edited tests, manifests or
//! helpers do not count). Every build and every test runs confined (see
//! `sandbox`): namespaces, a private view of the files, a dedicated uid,
//! limits, and nothing left behind. The tests and the points come from the
//! teacher's build; a pass from the test process's exit status.
//!
//! * `scratch`: the scratch tree; `submission`: reading the student's files;
//!   `compile`: building a test program; `review`: what to flag for a person.
//! * `sandbox`, `jail`, `slot`, `procfs`: confinement, limits, clean-up;
//!   `run`: one sandboxed run; `verdicts`: what a run means.
//! * `grader`: one submission; `class`: a folder of submissions in parallel;
//!   `model` and `output`: the results and their formats.

pub mod cgroup;
pub mod class;
pub mod compile;
pub mod grader;
pub mod jail;
pub mod limits;
pub mod model;
pub mod output;
pub mod procfs;
pub mod review;
pub mod run;
pub mod sandbox;
pub mod scratch;
pub mod slot;
pub mod submission;
pub mod verdicts;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, bail, ensure};
use clap::Args;

use super::find_exercise;
use crate::course::Course;
use crate::repo::Repo;
use limits::Limits;
use submission::Submission;

/// `cargo course grade <submission>` or `cargo course grade --class <dir>`.
#[derive(Debug, Clone, Args)]
pub struct GradeArgs {
    /// The student's copy of the repository (as `cargo course export-student`
    /// makes it), or a folder laid out like its exercises/ folder.
    #[arg(required_unless_present_any = ["class", "jail"], conflicts_with = "class")]
    pub submission: Option<PathBuf>,
    /// Grade every submission folder in DIR (one per student), in parallel.
    #[arg(long, value_name = "DIR")]
    pub class: Option<PathBuf>,
    /// With --class: how many submissions are graded at once.
    #[arg(long, default_value_t = 2, requires = "class")]
    pub jobs: usize,
    /// With --class: where the reports go (default target/course/grade/class/).
    #[arg(long, value_name = "DIR", requires = "class")]
    pub out: Option<PathBuf>,
    /// Also write the result as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also write the result as JUnit XML.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write the result as Gradescope's results.json.
    #[arg(long, value_name = "FILE")]
    pub gradescope: Option<PathBuf>,
    /// Grade only this exercise (repeat for several); default: all of them.
    #[arg(long = "exercise", value_name = "NAME")]
    pub exercises: Vec<String>,
    /// Wall-clock limit of each test, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// CPU-time limit of each test process, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 20)]
    pub cpu: u64,
    /// Address-space limit of each test process, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 1024)]
    pub memory: u64,
    /// Processes and threads a test may have at once.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub processes: u64,
    /// Output (both streams) after which a test is stopped, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 8 << 20)]
    pub output_limit: u64,
    /// Open descriptors a test process may have (RLIMIT_NOFILE).
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub open_files: u64,
    /// Size of each of the test's private /tmp and /dev/shm, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    pub tmp: u64,
    /// Grade even where builds and tests cannot be confined (not root, or
    /// namespaces refused); the grader lists what is then off.
    #[arg(long)]
    pub unconfined: bool,
    /// With --unconfined: how tests are kept apart from the grader (`auto`:
    /// a dedicated uid when root, else process groups).
    #[arg(long, value_enum, default_value = "auto", requires = "unconfined")]
    pub isolation: sandbox::IsolationChoice,
    /// Address-space limit of cargo and of each rustc, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 4096)]
    pub build_memory: u64,
    /// Wall-clock limit of all the builds of one submission together, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 1800.0)]
    pub build_budget: f64,
    /// The sandbox's own helper (internal: the grader starts it).
    #[arg(long, hide = true, value_name = "SPEC")]
    pub jail: Option<String>,
    /// Count the passes of STUDENT's EXERCISE although its file is flagged
    /// for review (repeat for several). Without it, a flagged exercise's
    /// passes are "needs review" and score nothing: its code could have
    /// forged them. Give it once a person has read the file.
    #[arg(long = "accept", value_name = "STUDENT:EXERCISE")]
    pub accept: Vec<String>,
    /// Wall-clock limit of each build, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 600.0)]
    pub compile_timeout: f64,
}

impl GradeArgs {
    /// The exercises of `student` a teacher accepted (`--accept`).
    pub fn accepted_for(&self, student: &str) -> Vec<String> {
        self.accept
            .iter()
            .filter_map(|pair| pair.split_once(':'))
            .filter(|(who, _)| *who == student)
            .map(|(_, exercise)| exercise.to_string())
            .collect()
    }

    /// Checks that every `--accept` names a student and an exercise.
    fn check_accept(&self, course: &Course) -> Result<()> {
        for pair in &self.accept {
            let Some((student, exercise)) = pair.split_once(':') else {
                bail!(
                    "--accept {pair}: give STUDENT:EXERCISE (the submission folder's name, a colon, the exercise)"
                );
            };
            ensure!(
                !student.is_empty(),
                "--accept {pair}: the student (the submission folder's name) is missing"
            );
            find_exercise(course, exercise)?;
        }
        Ok(())
    }

    pub fn limits(&self) -> Result<Limits> {
        let seconds = |value: f64, what: &str| -> Result<Duration> {
            ensure!(
                value > 0.0 && value.is_finite(),
                "--{what} must be a positive number of seconds, not {value}"
            );
            Ok(Duration::from_secs_f64(value))
        };
        Ok(Limits {
            wall: seconds(self.timeout, "timeout")?,
            cpu_seconds: self.cpu.max(1),
            memory_bytes: self.memory.max(16) << 20,
            processes: self.processes.max(2),
            output_flood: self.output_limit,
            compile: seconds(self.compile_timeout, "compile-timeout")?,
            build_budget: seconds(self.build_budget, "build-budget")?,
            build_memory_bytes: self.build_memory.max(256) << 20,
            open_files: self.open_files.max(16),
            tmp_bytes: self.tmp.max(1) << 20,
            ..Limits::default()
        })
    }
}

pub fn run(args: &GradeArgs) -> Result<ExitCode> {
    if let Some(spec) = &args.jail {
        jail::helper_main(spec);
    }
    let repo = Repo::discover()?;
    let course = Course::load(&repo)?;
    for name in &args.exercises {
        find_exercise(&course, name)?;
    }
    args.check_accept(&course)?;
    let limits = args.limits()?;
    if let Some(class_dir) = &args.class {
        return class::grade_class(&repo, class_dir, args);
    }
    let Some(dir) = &args.submission else {
        bail!("give a submission folder, or --class <dir>");
    };
    let submission = Submission::open(dir)?;
    let accepted = args.accepted_for(&submission.student());
    let settings = grader::Settings {
        limits,
        unconfined: args.unconfined,
        isolation: args.isolation,
        accepted: &accepted,
    };
    let result = grader::grade_submission(&repo, &course, &args.exercises, &submission, settings)?;
    print!("{}", output::text::render(&result));
    if let Some(path) = &args.json {
        output::write_file(path, output::json(&result))?;
    }
    if let Some(path) = &args.junit {
        output::write_file(path, output::junit::render(&result))?;
    }
    if let Some(path) = &args.gradescope {
        output::write_file(path, output::gradescope::render(&result))?;
    }
    Ok(ExitCode::SUCCESS)
}
