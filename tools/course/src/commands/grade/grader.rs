//! Grading one submission: per exercise, install the student's file in the
//! scratch tree, build, list the tests, run each one in the sandbox.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::compile::{self, Build};
use super::limits::Limits;
use super::model::{
    CompileResult, ExerciseResult, SubmissionResult, TestResult, Verdict, assign_points,
    round_points,
};
use super::run::run_sandboxed;
use super::sandbox::{IsolationChoice, Sandbox};
use super::scratch::Scratch;
use super::submission::Submission;
use super::verdicts::judge;
use crate::course::{Chapter, Course, Exercise};
use crate::repo::Repo;

/// Grades the `selected` exercises (names) of `submission`, or all of them.
pub fn grade_submission(
    repo: &Repo,
    course: &Course,
    selected: &[String],
    submission: &Submission,
    limits: Limits,
    isolation: IsolationChoice,
    allow_unlimited_processes: bool,
) -> Result<SubmissionResult> {
    let sandbox = Sandbox::new(limits, isolation)?;
    if !sandbox.process_limit_enforced {
        let why = format!(
            "the process limit (RLIMIT_NPROC) is not in force for the tests' user (uid {}): \
             a fork bomb in a submission could exhaust this machine. Run the grader as root \
             (tests then run as a dedicated uid) or as a user without CAP_SYS_RESOURCE",
            sandbox.uid()
        );
        if !allow_unlimited_processes {
            bail!("{why}; or pass --allow-unlimited-processes if you trust the submissions.");
        }
        eprintln!("WARNING: {why}.");
    }
    let scratch = Scratch::create(repo, course, sandbox.slot.index)?;
    let grader = Grader {
        sandbox: &sandbox,
        scratch: &scratch,
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
            Ok(result) => exercises.push(result),
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

struct Grader<'a> {
    sandbox: &'a Sandbox,
    scratch: &'a Scratch,
}

impl Grader<'_> {
    fn grade_exercise(
        &self,
        submission: &Submission,
        chapter: &Chapter,
        exercise: &Exercise,
    ) -> Result<ExerciseResult> {
        let mut result = ExerciseResult {
            name: exercise.name.clone(),
            chapter: chapter.info.number,
            crate_name: chapter.crate_name.clone(),
            file: submission.shown_path(chapter, exercise),
            score: 0.0,
            max_score: 0.0,
            compile: None,
            tests: Vec::new(),
        };
        let outcome = match submission.read(chapter, exercise) {
            Err(reason) => self.starter_tests(chapter, exercise, &reason, ""),
            Ok(contents) => {
                self.scratch.install(chapter, exercise, &contents)?;
                let outcome = self.build_and_run(chapter, exercise, &mut result);
                self.scratch.restore_starter(chapter, exercise)?;
                outcome
            }
        };
        result.tests = outcome?;
        assign_points(&mut result, exercise.points);
        Ok(result)
    }

    /// Builds the installed file and runs its tests; a build that fails gives
    /// every test of the exercise the verdict `error`.
    fn build_and_run(
        &self,
        chapter: &Chapter,
        exercise: &Exercise,
        result: &mut ExerciseResult,
    ) -> Result<Vec<TestResult>> {
        let build = self.build(chapter, exercise)?;
        result.compile = Some(CompileResult {
            ok: build.executable.is_some(),
            seconds: build.seconds,
            errors: build.errors.clone(),
        });
        let Some(executable) = build.executable else {
            let first = build.errors.first().cloned().unwrap_or_default();
            self.scratch.restore_starter(chapter, exercise)?;
            return self.starter_tests(
                chapter,
                exercise,
                &format!("does not compile: {first}"),
                &build.errors.join("\n"),
            );
        };
        let cwd = self.scratch.crate_dir(chapter);
        let names = match self.list_tests(&executable, &cwd) {
            Ok(names) => names,
            Err(error) => {
                self.scratch.restore_starter(chapter, exercise)?;
                return self.starter_tests(
                    chapter,
                    exercise,
                    &format!("the test program failed before running any test: {error:#}"),
                    "",
                );
            }
        };
        names
            .iter()
            .map(|name| self.run_test(&executable, &cwd, name))
            .collect()
    }

    fn build(&self, chapter: &Chapter, exercise: &Exercise) -> Result<Build> {
        compile::build_test(
            &self.scratch.root,
            &self.scratch.target,
            &chapter.crate_name,
            &exercise.name,
            self.sandbox.limits.compile,
        )
    }

    /// The tests of the teacher's starter code, each with the verdict
    /// `error` and `reason`: what a submission that cannot run gets.
    fn starter_tests(
        &self,
        chapter: &Chapter,
        exercise: &Exercise,
        reason: &str,
        output: &str,
    ) -> Result<Vec<TestResult>> {
        let build = self.build(chapter, exercise)?;
        let Some(executable) = build.executable else {
            bail!(
                "the teacher's starter code of `{}` does not build in the scratch copy: {}",
                exercise.name,
                build.errors.join("\n")
            );
        };
        let names = self.list_tests(&executable, &self.scratch.crate_dir(chapter))?;
        Ok(names
            .into_iter()
            .map(|name| TestResult {
                name,
                verdict: Verdict::Error,
                reason: reason.to_string(),
                output: output.to_string(),
                score: 0.0,
                max_score: 0.0,
                seconds: 0.0,
            })
            .collect())
    }

    /// The names of the tests the executable would run (not the ignored
    /// ones), listed inside the sandbox: code can run before `main`.
    fn list_tests(&self, executable: &Path, cwd: &Path) -> Result<Vec<String>> {
        let listed = |extra: &[&str]| -> Result<Vec<String>> {
            let mut args = vec!["--list", "--format", "terse"];
            args.extend_from_slice(extra);
            let run = run_sandboxed(self.sandbox, executable, &args, cwd)?;
            if run.exit_code() != Some(0) {
                bail!(
                    "listing the tests failed ({}): {}",
                    run.status
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "killed".into()),
                    run.stderr.lines().take(5).collect::<Vec<_>>().join(" / ")
                );
            }
            Ok(run
                .stdout
                .lines()
                .filter_map(|l| l.strip_suffix(": test"))
                .map(str::to_string)
                .collect())
        };
        let ignored = listed(&["--ignored"])?;
        let all = listed(&[])?;
        Ok(all.into_iter().filter(|n| !ignored.contains(n)).collect())
    }

    fn run_test(&self, executable: &Path, cwd: &Path, name: &str) -> Result<TestResult> {
        let args = [
            "--exact",
            name,
            "--test-threads=1",
            "--nocapture",
            "--color",
            "never",
        ];
        let run = run_sandboxed(self.sandbox, executable, &args, cwd)?;
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

/// Where the scratch trees and their builds live: `target/course/grade/`.
pub fn grade_dir(repo: &Repo) -> PathBuf {
    repo.state_dir().join("grade")
}
