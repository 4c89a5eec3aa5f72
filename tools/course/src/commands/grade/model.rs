//! What grading found: one verdict per test, points per exercise, a total.
//! These types are also the `--json` format, so their field names are stable.

use serde::{Deserialize, Serialize};

/// How one test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// libtest reported the test as passed, and nothing went wrong around it.
    Pass,
    /// The test ran and failed: an assertion or a panic.
    Fail,
    /// No honest result: the code did not compile, the run hit a limit
    /// (time, CPU, memory, processes, output), died of a signal, left
    /// processes behind, or exited without libtest's report.
    Error,
    /// Reported as passed, but the student's file has a construct that
    /// could have forged that report (see `review`): it scores nothing
    /// until a teacher accepts the exercise (`--accept student:exercise`).
    #[serde(rename = "needs-review")]
    NeedsReview,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
            Verdict::NeedsReview => "needs review",
        }
    }
}

/// One test of one exercise.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestResult {
    pub name: String,
    pub verdict: Verdict,
    /// Why it failed or errored, in one or a few lines; empty for a pass.
    pub reason: String,
    /// The first lines of what the test printed (capped).
    pub output: String,
    pub score: f64,
    pub max_score: f64,
    /// Wall-clock time of the test process, in seconds.
    pub seconds: f64,
}

/// How the exercise's test program was built.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompileResult {
    pub ok: bool,
    pub seconds: f64,
    /// The first compiler error lines when it failed.
    pub errors: Vec<String>,
}

/// One exercise of the submission.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExerciseResult {
    pub name: String,
    pub chapter: u32,
    /// The exercise crate (`cargo test -p <crate>`).
    #[serde(rename = "crate")]
    pub crate_name: String,
    /// The graded file, relative to the submission's root.
    pub file: String,
    pub score: f64,
    pub max_score: f64,
    pub compile: Option<CompileResult>,
    pub tests: Vec<TestResult>,
    /// Constructs in the student's file that only a forged result needs
    /// (see `review`): its passes are `needs-review` and score nothing
    /// until a teacher accepts the exercise.
    #[serde(default)]
    pub review: Vec<String>,
    /// Whether a teacher accepted the exercise despite its review flags
    /// (`--accept student:exercise`): its passes then count.
    #[serde(default)]
    pub accepted: bool,
}

/// How the tests were isolated.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SandboxInfo {
    /// `confined` (namespaces, a private view, builds and tests as `uid`),
    /// or with `--unconfined`: `dedicated-uid` (root: tests run as `uid`) or
    /// `process-group` (not root: process-group kill and a subreaper scan).
    pub mode: String,
    pub uid: u32,
    pub slot: usize,
    /// Whether RLIMIT_NPROC was checked to be in force for the tests.
    pub process_limit_enforced: bool,
    /// The protections that were off (empty when confined).
    #[serde(default)]
    pub protections_off: Vec<String>,
    /// The memory ceiling of one test run, all its processes together, in
    /// MiB (a control group); 0 where there is none.
    #[serde(default)]
    pub run_memory_mib: u64,
}

/// The limits every test run had.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct LimitsInfo {
    pub wall_seconds: f64,
    pub cpu_seconds: u64,
    pub memory_mib: u64,
    pub processes: u64,
    pub output_kept_bytes: usize,
    pub output_flood_bytes: u64,
    pub compile_seconds: f64,
    #[serde(default)]
    pub open_files: u64,
    #[serde(default)]
    pub tmp_mib: u64,
    #[serde(default)]
    pub build_budget_seconds: f64,
    #[serde(default)]
    pub build_memory_mib: u64,
}

/// One graded submission: the `--json` document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubmissionResult {
    /// The submission folder's name (the student, in a class).
    pub student: String,
    pub submission: String,
    pub score: f64,
    pub max_score: f64,
    pub sandbox: SandboxInfo,
    pub limits: LimitsInfo,
    pub exercises: Vec<ExerciseResult>,
    /// Problems with the submission as a whole (unreadable files, ...).
    pub errors: Vec<String>,
}

impl SubmissionResult {
    /// Every review flag, as `exercise: why`.
    pub fn review_flags(&self) -> Vec<String> {
        self.exercises
            .iter()
            .flat_map(|e| e.review.iter().map(move |r| format!("{}: {r}", e.name)))
            .collect()
    }

    /// How many tests got each verdict: (pass, fail, error); a test that
    /// needs review counts in [`SubmissionResult::needs_review`] only.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for test in self.exercises.iter().flat_map(|e| &e.tests) {
            match test.verdict {
                Verdict::Pass => counts.0 += 1,
                Verdict::Fail => counts.1 += 1,
                Verdict::Error => counts.2 += 1,
                Verdict::NeedsReview => {}
            }
        }
        counts
    }

    /// How many tests passed in a way that could have been forged, and
    /// score nothing until a teacher accepts them.
    pub fn needs_review(&self) -> usize {
        self.exercises
            .iter()
            .flat_map(|e| &e.tests)
            .filter(|t| t.verdict == Verdict::NeedsReview)
            .count()
    }

    /// The exercises held for review, by name.
    pub fn held_for_review(&self) -> Vec<&str> {
        self.exercises
            .iter()
            .filter(|e| e.tests.iter().any(|t| t.verdict == Verdict::NeedsReview))
            .map(|e| e.name.as_str())
            .collect()
    }
}

/// What a pass of a flagged exercise says while it waits for a teacher.
pub fn held_reason(student: &str, exercise: &str) -> String {
    format!(
        "reported as passed, but the file has constructs that could have forged that report \
         (see the review notes): it scores nothing until a teacher has read the file and \
         accepts it with `cargo course grade --accept {student}:{exercise}`"
    )
}

/// A pass is only worth points if the student's code could not have forged
/// it: when the exercise has review flags and no teacher accepted it, each
/// pass becomes `needs-review` (and scores nothing in [`assign_points`]).
pub fn hold_for_review(exercise: &mut ExerciseResult, student: &str, accepted: bool) {
    if exercise.review.is_empty() {
        return;
    }
    if accepted {
        exercise.accepted = true;
        return;
    }
    let reason = held_reason(student, &exercise.name);
    for test in &mut exercise.tests {
        if test.verdict == Verdict::Pass {
            test.verdict = Verdict::NeedsReview;
            test.reason = reason.clone();
        }
    }
}

/// Rounds points to hundredths, so that 1/3 + 1/3 + 1/3 prints as 1.
pub fn round_points(points: f64) -> f64 {
    (points * 100.0).round() / 100.0
}

/// Gives each test its share of the exercise's points (`points`, or one per
/// test), and sums the exercise's score.
pub fn assign_points(exercise: &mut ExerciseResult, points: Option<f64>) {
    let count = exercise.tests.len();
    let max = points.unwrap_or(count as f64);
    let share = if count == 0 { 0.0 } else { max / count as f64 };
    let mut score = 0.0;
    for test in &mut exercise.tests {
        test.max_score = share;
        test.score = if test.verdict == Verdict::Pass {
            share
        } else {
            0.0
        };
        score += test.score;
    }
    exercise.max_score = round_points(max);
    exercise.score = round_points(score);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(name: &str, verdict: Verdict) -> TestResult {
        TestResult {
            name: name.into(),
            verdict,
            reason: String::new(),
            output: String::new(),
            score: 0.0,
            max_score: 0.0,
            seconds: 0.0,
        }
    }

    fn exercise(verdicts: &[Verdict]) -> ExerciseResult {
        ExerciseResult {
            name: "ordered_results".into(),
            chapter: 1,
            crate_name: "threads".into(),
            file: "exercises/01-threads/src/exercises/ordered_results.rs".into(),
            score: 0.0,
            max_score: 0.0,
            compile: None,
            review: Vec::new(),
            accepted: false,
            tests: verdicts
                .iter()
                .enumerate()
                .map(|(i, v)| test(&format!("t{i}"), *v))
                .collect(),
        }
    }

    #[test]
    fn one_point_per_test_by_default() {
        let mut graded = exercise(&[Verdict::Pass, Verdict::Fail, Verdict::Error, Verdict::Pass]);
        assign_points(&mut graded, None);
        assert_eq!((graded.score, graded.max_score), (2.0, 4.0));
        assert_eq!(graded.tests[2].max_score, 1.0);
        assert_eq!(graded.tests[2].score, 0.0, "an error scores nothing");
    }

    #[test]
    fn a_flagged_pass_scores_nothing_until_a_teacher_accepts_it() {
        let mut flagged = exercise(&[Verdict::Pass, Verdict::Fail, Verdict::Pass]);
        flagged.review = vec!["line 3: `std::process::exit` ends the process".into()];
        let mut accepted = flagged.clone();
        hold_for_review(&mut flagged, "ada", false);
        assign_points(&mut flagged, Some(9.0));
        assert_eq!((flagged.score, flagged.max_score), (0.0, 9.0));
        assert_eq!(flagged.tests[0].verdict, Verdict::NeedsReview);
        assert_eq!(
            flagged.tests[1].verdict,
            Verdict::Fail,
            "a failure stays one"
        );
        assert!(
            flagged.tests[0]
                .reason
                .contains("--accept ada:ordered_results"),
            "{}",
            flagged.tests[0].reason
        );
        assert_eq!(flagged.tests[0].verdict.label(), "needs review");
        hold_for_review(&mut accepted, "ada", true);
        assign_points(&mut accepted, Some(9.0));
        assert_eq!(accepted.score, 6.0);
        assert!(accepted.accepted);
        let mut clean = exercise(&[Verdict::Pass]);
        hold_for_review(&mut clean, "ada", false);
        assert_eq!(
            clean.tests[0].verdict,
            Verdict::Pass,
            "no flag, nothing held"
        );
        assert_eq!(
            serde_json::to_string(&Verdict::NeedsReview).unwrap(),
            "\"needs-review\""
        );
    }

    #[test]
    fn an_exercise_worth_points_spreads_them_over_its_tests() {
        let mut graded = exercise(&[Verdict::Pass, Verdict::Pass, Verdict::Fail]);
        assign_points(&mut graded, Some(10.0));
        assert_eq!(graded.max_score, 10.0);
        assert_eq!(
            graded.score, 6.67,
            "two thirds of 10, rounded to hundredths"
        );
        let mut all = exercise(&[Verdict::Pass, Verdict::Pass, Verdict::Pass]);
        assign_points(&mut all, Some(10.0));
        assert_eq!(all.score, 10.0, "all tests passed must give all the points");
    }
}
