//! The verdicts on one run of a test binary: a known-wrong solution must
//! fail, with its EXPECT text among the first lines of the first failure,
//! within the time bound; an alternative solution must pass.

use testkit::{NotRun, ProgramRun};

use super::{EXPECT_WINDOW, FAIL_WITHIN, KILL_AFTER};
use crate::test_output::first_failure_lines;

/// What a run of a test binary did: how it ended and what it printed, or
/// why it did not end (killed at [`KILL_AFTER`], with what it had printed).
pub type Outcome = Result<ProgramRun, NotRun>;

/// How the binary ended, or what to say when it did not.
fn ended<'a>(outcome: &'a Outcome, killed: &str) -> Result<&'a ProgramRun, String> {
    match outcome {
        Ok(run) => Ok(run),
        Err(NotRun::Start(error)) => Err(format!("cannot run the test binary: {error}")),
        Err(NotRun::Overstayed { .. }) => Err(format!(
            "the test binary was still running after {}s and was killed{killed}",
            KILL_AFTER.as_secs()
        )),
    }
}

/// The first lines of the first failure, for a message.
fn first_lines(window: &[&str]) -> String {
    window
        .iter()
        .take(8)
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}

/// A known-wrong solution's verdict: `Ok(summary)` when its tests failed
/// with `expect` among the first lines (and, when the file names the clause
/// it breaks, `clause N` among them too), within [`FAIL_WITHIN`] times `load`
/// ([`testkit::load_factor`], the factor the tests themselves use to stretch
/// a deadline that only exists to fail quickly; above its cap of 3 the bound
/// still catches a deadline that is far too long, since a wrong solution's
/// test binary mostly sleeps in deadlines, which a load does not stretch).
pub fn judge_wrong(
    expect: &str,
    clause: Option<u32>,
    outcome: &Outcome,
    seconds: f64,
    load: f64,
) -> Result<String, String> {
    let run = ended(outcome, ": a test without a deadline")?;
    if run.status.success() {
        return Err("the tests PASS with this mistake: they let it through".to_string());
    }
    let Some(window) = first_failure_lines(&run.stdout, EXPECT_WINDOW) else {
        let tail: Vec<&str> = run.stderr.lines().rev().take(6).collect();
        return Err(format!(
            "the test binary ended ({}) without reporting a failed test: a crash or an abort \
             is not a message a student can read\n{}",
            run.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    };
    if !window.iter().any(|line| line.contains(expect)) {
        return Err(format!(
            "the tests fail, but \"{expect}\" is not in the {EXPECT_WINDOW} lines after the first \
             failure header, which begin:\n{}",
            first_lines(&window)
        ));
    }
    // Which test fails first depends on which finishes first, and a mistake
    // that hangs makes every waiting test fail: a first failure that names
    // another clause is worth a look, not a failed check (a flaky verdict
    // would be worse than none).
    let review = match clause {
        Some(id) if !window.iter().any(|line| names_clause(line, id)) => format!(
            "; review: the first failure does not name the clause this mistake breaks \
             (\"clause {id}\" is not in the {EXPECT_WINDOW} lines after its header; its \
             message should begin `clause {id} (...): ...`)"
        ),
        _ => String::new(),
    };
    let bound = FAIL_WITHIN.as_secs_f64() * load;
    if seconds > bound {
        return Err(format!(
            "the tests fail with \"{expect}\", but after {seconds:.1} s; the bound is {}s x load \
             {load:.2} = {bound:.1} s: shorten the deadline that catches this mistake",
            FAIL_WITHIN.as_secs()
        ));
    }
    Ok(format!(
        "fails with \"{expect}\" in {seconds:.1} s (bound {bound:.1} s at load {load:.2}){review}"
    ))
}

/// Whether `line` says `clause <id>`, not `clause <id>0` or `clause <id>1`.
fn names_clause(line: &str, id: u32) -> bool {
    let needle = format!("clause {id}");
    line.match_indices(&needle).any(|(at, _)| {
        !line[at + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// An alternative solution's verdict: its tests pass.
pub fn judge_alt(outcome: &Outcome) -> Result<String, String> {
    let run = ended(outcome, "")?;
    if run.status.success() {
        return Ok("passes".to_string());
    }
    let first = first_failure_lines(&run.stdout, EXPECT_WINDOW)
        .map(|window| first_lines(&window))
        .unwrap_or_else(|| format!("(no failure reported; {})", run.status));
    Err(format!(
        "the tests reject this correct solution: they fail on another road. First lines:\n{first}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    const FAILED: &str = "running 2 tests\ntest a ... ok\ntest b ... FAILED\n\nfailures:\n\n\
        ---- b stdout ----\n\nthread 'b' panicked at tests/x.rs:3:5:\nonly 1 of 4 threads were waiting\n\n\
        failures:\n    b\n\ntest result: FAILED. 1 passed; 1 failed\n";

    fn outcome(code: i32, stdout: &str) -> Outcome {
        Ok(ProgramRun {
            status: ExitStatus::from_raw(code << 8),
            stdout: stdout.into(),
            stderr: String::new(),
        })
    }

    #[test]
    fn a_wrong_solution_must_fail_with_its_message_in_time() {
        let failed = outcome(101, FAILED);
        assert!(judge_wrong("only 1 of 4", None, &failed, 2.0, 1.0).is_ok());
        let other = judge_wrong("lost update", None, &failed, 2.0, 1.0).unwrap_err();
        assert!(
            other.contains("is not in the 40 lines") && other.contains("only 1 of 4"),
            "{other}"
        );
        let slow = judge_wrong("only 1 of 4", None, &failed, 12.0, 1.0).unwrap_err();
        assert!(slow.contains("after 12.0 s"), "{slow}");
        assert!(
            judge_wrong("only 1 of 4", None, &failed, 12.0, 1.5).is_ok(),
            "a loaded machine gets more time"
        );
        let passed = judge_wrong("x", None, &outcome(0, "test result: ok."), 1.0, 1.0).unwrap_err();
        assert!(passed.contains("PASS"), "{passed}");
        let killed: Outcome = Err(NotRun::Overstayed {
            after: KILL_AFTER,
            stdout: String::new(),
            stderr: String::new(),
        });
        assert!(
            judge_wrong("x", None, &killed, 60.0, 1.0)
                .unwrap_err()
                .contains("was killed: a test without a deadline")
        );
        let crashed =
            judge_wrong("x", None, &outcome(134, "running 2 tests\n"), 1.0, 1.0).unwrap_err();
        assert!(
            crashed.contains("without reporting a failed test"),
            "{crashed}"
        );
    }

    #[test]
    fn the_message_must_come_within_the_first_lines_of_the_first_failure() {
        let late = format!(
            "---- a stdout ----\n{}the message\n",
            "noise\n".repeat(EXPECT_WINDOW)
        );
        assert!(judge_wrong("the message", None, &outcome(101, &late), 1.0, 1.0).is_err());
        let early = format!(
            "---- a stdout ----\n{}the message\n",
            "noise\n".repeat(EXPECT_WINDOW - 1)
        );
        assert!(judge_wrong("the message", None, &outcome(101, &early), 1.0, 1.0).is_ok());
    }

    #[test]
    fn a_wrong_file_whose_first_failure_names_another_clause_is_flagged_for_review() {
        let named = FAILED.replace(
            "only 1 of 4 threads",
            "clause 3 (workers overlap): only 1 of 4 threads",
        );
        let named = outcome(101, &named);
        assert!(judge_wrong("only 1 of 4", Some(3), &named, 1.0, 1.0).is_ok());
        assert!(
            !judge_wrong("only 1 of 4", Some(3), &named, 1.0, 1.0)
                .unwrap()
                .contains("review")
        );
        let other = judge_wrong("only 1 of 4", Some(2), &named, 1.0, 1.0).unwrap();
        assert!(
            other.contains("review: the first failure does not name the clause")
                && other.contains("\"clause 2\""),
            "{other}"
        );
        let unnamed = judge_wrong("only 1 of 4", Some(3), &outcome(101, FAILED), 1.0, 1.0);
        assert!(
            unnamed.as_ref().is_ok_and(|ok| ok.contains("review")),
            "no clause in the message: {unnamed:?}"
        );
        assert!(!names_clause("clause 12 (x)", 1) && names_clause("see clause 1.", 1));
        assert!(
            judge_wrong("only 1 of 4", None, &named, 1.0, 1.0).is_ok(),
            "a file without a CLAUSE line is judged as before"
        );
    }

    #[test]
    fn an_alternative_must_pass() {
        assert!(judge_alt(&outcome(0, "test result: ok.")).is_ok());
        let rejected = judge_alt(&outcome(101, FAILED)).unwrap_err();
        assert!(rejected.contains("only 1 of 4"), "{rejected}");
    }
}
