//! Grading one submission: per exercise, build the teacher's starter code and
//! list its tests (the tests and the points come from there), install the
//! student's file in the scratch tree, build it, check that it lists the same
//! tests, and run each of the teacher's tests on its own, all in the sandbox.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail, ensure};

use super::compile::{self, Build};
use super::limits::{Limits, seconds_text};
use super::model::{
    CompileResult, ExerciseResult, SubmissionResult, TestResult, Verdict, assign_points,
    hold_for_review, round_points,
};
use super::review;
use super::run::{OutputLimits, run_sandboxed};
use super::sandbox::{IsolationChoice, Job, Sandbox, Stage};
use super::scratch::Scratch;
use super::submission::Submission;
use super::verdicts::judge;
use crate::course::{Chapter, Course, Exercise};
use crate::repo::Repo;
use crate::test_output;

/// How the grader is to run (from the command line).
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    pub limits: Limits,
    pub unconfined: bool,
    pub isolation: IsolationChoice,
    /// The exercises of this submission a teacher accepted despite their
    /// review flags (`--accept student:exercise`).
    pub accepted: &'a [String],
}

/// Grades the `selected` exercises (names) of `submission`, or all of them.
pub fn grade_submission(
    repo: &Repo,
    course: &Course,
    selected: &[String],
    submission: &Submission,
    settings: Settings<'_>,
) -> Result<SubmissionResult> {
    let limits = settings.limits;
    let sandbox = Sandbox::new(repo.root(), limits, settings.unconfined, settings.isolation)?;
    let scratch = Scratch::create(repo, course, &sandbox.dirs.work)?;
    sandbox.prepare_target()?;
    fetch_dependencies(&sandbox);
    let mut grader = Grader {
        sandbox: &sandbox,
        scratch: &scratch,
        budget_left: limits.build_budget,
    };
    let student = submission.student();
    let mut exercises = Vec::new();
    let mut errors = Vec::new();
    for (chapter, exercise) in course.exercises() {
        if !selected.is_empty() && !selected.contains(&exercise.name) {
            continue;
        }
        eprintln!("[{student}] grading {} ...", exercise.name);
        match grader.grade_exercise(submission, chapter, exercise) {
            Ok(mut result) => {
                let accepted = settings.accepted.contains(&exercise.name);
                hold_for_review(&mut result, &student, accepted);
                assign_points(&mut result, exercise.points);
                exercises.push(result)
            }
            Err(error) => errors.push(format!("{}: {error:#}", exercise.name)),
        }
    }
    let score = round_points(exercises.iter().map(|e| e.score).sum());
    let max_score = round_points(exercises.iter().map(|e| e.max_score).sum());
    Ok(SubmissionResult {
        student,
        submission: submission.dir.display().to_string(),
        score,
        max_score,
        sandbox: sandbox.info(),
        limits: limits.info(),
        exercises,
        errors,
    })
}

/// `cargo fetch` of the scratch workspace, outside the sandbox and before
/// any student file is in it (only the teacher's manifests are read): it
/// settles the scratch workspace's Cargo.lock (the teacher's, without the
/// packages the scratch tree leaves out) and downloads what is missing, so
/// that the confined builds work offline with `--frozen`. It runs in `/`
/// so that no configuration above the scratch folder is read.
fn fetch_dependencies(sandbox: &Sandbox) {
    let manifest = sandbox.dirs.work.join("Cargo.toml");
    let status = std::process::Command::new(sandbox.toolchain.sysroot.join("bin/cargo"))
        .args(["fetch", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .current_dir("/")
        .env("CARGO_HOME", &sandbox.toolchain.cargo_home)
        .env("RUSTC", sandbox.toolchain.sysroot.join("bin/rustc"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status();
    if !matches!(status, Ok(s) if s.success()) {
        eprintln!(
            "warning: `cargo fetch` of the course's dependencies failed ({status:?}); the \
             confined builds are offline and will fail if a dependency is missing from {}",
            sandbox.toolchain.cargo_home.display()
        );
    }
}

struct Grader<'a> {
    sandbox: &'a Sandbox,
    scratch: &'a Scratch,
    /// What is left of the submission's build time.
    budget_left: Duration,
}

impl Grader<'_> {
    fn grade_exercise(
        &mut self,
        submission: &Submission,
        chapter: &Chapter,
        exercise: &Exercise,
    ) -> Result<ExerciseResult> {
        let teacher = self.teacher_tests(chapter, exercise)?;
        let mut result = ExerciseResult {
            name: exercise.name.clone(),
            chapter: chapter.info.number,
            crate_name: chapter.crate_name.clone(),
            file: submission.shown_path(chapter, exercise),
            score: 0.0,
            max_score: 0.0,
            compile: None,
            tests: Vec::new(),
            review: Vec::new(),
            accepted: false,
        };
        result.tests = match submission.read(chapter, exercise) {
            Err(reason) => all_error(&teacher, &reason, ""),
            Ok(contents) => {
                result.review = review::flags(&String::from_utf8_lossy(&contents));
                self.scratch.install(chapter, exercise, &contents)?;
                let outcome = self.build_and_run(chapter, exercise, &teacher, &mut result);
                self.scratch.restore_starter(chapter, exercise)?;
                outcome?
            }
        };
        // Points come in `grade_submission`, after the review hold.
        Ok(result)
    }

    /// The tests of the teacher's build of the starter code: what is graded.
    fn teacher_tests(&self, chapter: &Chapter, exercise: &Exercise) -> Result<Vec<String>> {
        let build = compile::build_test(
            self.sandbox,
            Stage::TeacherBuild,
            &chapter.crate_name,
            &exercise.name,
            self.sandbox.limits.compile,
        )?;
        let Some(executable) = build.executable else {
            bail!(
                "the teacher's starter code of `{}` does not build in the sandbox: {}",
                exercise.name,
                build.errors.join("\n")
            );
        };
        let names = self.list_tests(Stage::TeacherRun, &executable, chapter)?;
        ensure!(
            !names.is_empty(),
            "the teacher's build of `{}` has no test",
            exercise.name
        );
        Ok(names)
    }

    /// Builds the installed file and runs the teacher's tests against it; a
    /// build that fails, or that lists other tests, gives every test the
    /// verdict `error`.
    fn build_and_run(
        &mut self,
        chapter: &Chapter,
        exercise: &Exercise,
        teacher: &[String],
        result: &mut ExerciseResult,
    ) -> Result<Vec<TestResult>> {
        if self.budget_left.is_zero() {
            return Ok(all_error(
                teacher,
                &format!(
                    "not built: the builds of this submission used up their budget of {}",
                    seconds_text(self.sandbox.limits.build_budget)
                ),
                "",
            ));
        }
        self.sandbox.fresh_layer()?;
        let limit = self.sandbox.limits.compile.min(self.budget_left);
        let build: Build = compile::build_test(
            self.sandbox,
            Stage::StudentBuild,
            &chapter.crate_name,
            &exercise.name,
            limit,
        )?;
        self.budget_left = self
            .budget_left
            .saturating_sub(Duration::from_secs_f64(build.seconds));
        result.compile = Some(CompileResult {
            ok: build.executable.is_some(),
            seconds: (build.seconds * 1000.0).round() / 1000.0,
            errors: build.errors.clone(),
        });
        let Some(executable) = build.executable else {
            let first = build.errors.first().cloned().unwrap_or_default();
            return Ok(all_error(
                teacher,
                &format!("does not compile: {first}"),
                &build.errors.join("\n"),
            ));
        };
        let listed = match self.list_tests(Stage::StudentRun, &executable, chapter) {
            Ok(names) => names,
            Err(error) => {
                return Ok(all_error(
                    teacher,
                    &format!("the test program failed before running any test: {error:#}"),
                    "",
                ));
            }
        };
        let sorted = |names: &[String]| {
            let mut names = names.to_vec();
            names.sort();
            names
        };
        if sorted(&listed) != sorted(teacher) {
            let shown: Vec<&str> = listed.iter().take(10).map(String::as_str).collect();
            return Ok(all_error(
                teacher,
                &format!(
                    "the test program built with this file lists other tests than the teacher's \
                     build ({} instead of {}: {}): the file must not define or hide tests",
                    listed.len(),
                    teacher.len(),
                    shown.join(", ")
                ),
                "",
            ));
        }
        teacher
            .iter()
            .map(|name| self.run_test(&executable, chapter, name))
            .collect()
    }

    /// The names of the tests the executable would run (not the ignored
    /// ones), listed inside the sandbox: code can run before `main`.
    fn list_tests(
        &self,
        stage: Stage,
        executable: &Path,
        chapter: &Chapter,
    ) -> Result<Vec<String>> {
        let crate_dir = crate_dir(chapter);
        let listed = |extra: &[&str]| -> Result<Vec<String>> {
            let mut args = vec!["--list", "--format", "terse"];
            args.extend_from_slice(extra);
            let job = Job {
                stage,
                program: Some(executable),
                args: &args,
                crate_dir: &crate_dir,
                wall: self.sandbox.limits.wall,
            };
            let run = run_sandboxed(self.sandbox, &job, self.output_limits())?;
            ensure!(
                run.exit_code() == Some(0),
                "listing the tests failed ({}): {}",
                run.status
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "killed".into()),
                run.stderr
                    .lines()
                    .take(5)
                    .map(|l| l.chars().take(300).collect::<String>())
                    .collect::<Vec<_>>()
                    .join(" / ")
            );
            Ok(test_output::listed_tests(&run.stdout))
        };
        let ignored = listed(&["--ignored"])?;
        let all = listed(&[])?;
        Ok(all.into_iter().filter(|n| !ignored.contains(n)).collect())
    }

    fn output_limits(&self) -> OutputLimits {
        OutputLimits {
            keep: self.sandbox.limits.output_kept,
            flood: self.sandbox.limits.output_flood,
        }
    }

    fn run_test(&self, executable: &Path, chapter: &Chapter, name: &str) -> Result<TestResult> {
        let args = [
            "--exact",
            name,
            "--test-threads=1",
            "--nocapture",
            "--color",
            "never",
        ];
        let crate_dir = crate_dir(chapter);
        let job = Job {
            stage: Stage::StudentRun,
            program: Some(executable),
            args: &args,
            crate_dir: &crate_dir,
            wall: self.sandbox.limits.wall,
        };
        let run = run_sandboxed(self.sandbox, &job, self.output_limits())?;
        let (verdict, reason, output) = judge(name, &run, &self.sandbox.limits);
        Ok(TestResult {
            name: name.to_string(),
            verdict,
            reason,
            output,
            score: 0.0,
            max_score: 0.0,
            seconds: (run.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        })
    }
}

/// The exercise crate's folder, relative to the workspace.
fn crate_dir(chapter: &Chapter) -> String {
    format!("exercises/{}", chapter.folder)
}

/// The teacher's tests, each with the verdict `error` and `reason`: what a
/// submission that cannot run gets.
fn all_error(teacher: &[String], reason: &str, output: &str) -> Vec<TestResult> {
    teacher
        .iter()
        .map(|name| TestResult {
            name: name.clone(),
            verdict: Verdict::Error,
            reason: reason.to_string(),
            output: output.to_string(),
            score: 0.0,
            max_score: 0.0,
            seconds: 0.0,
        })
        .collect()
}

/// Where the class reports go by default: `target/course/grade/`.
pub fn grade_dir(repo: &Repo) -> PathBuf {
    repo.state_dir().join("grade")
}
