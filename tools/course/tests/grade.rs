//! `cargo course grade` against submissions that misbehave in every way we
//! know (tests/fixtures/submissions/: each edits chapter 1's `ordered_results`
//! only), a solved copy and the untouched starter, both made here from the
//! repository's own files.
//!
//! Each grading runs the real `course` binary, as a teacher would, with small
//! limits (3 s of wall clock per test) so that the suite stays quick. After
//! each one the test checks the verdicts and reasons, that every test run
//! ended within its limit, and that nothing is left: no process of the uid
//! the tests ran as, and no child of this test process (which is a child
//! subreaper, so that anything the grader leaves behind comes back to it).
//!
//! The gradings run one at a time (they would see each other's processes as
//! leftovers otherwise).
//!
//! The hostile fixtures (reads-teacher-files, reaches-network, fills-tmp,
//! opens-descriptors, fork-bomb, leaves-child, fakes-pass, forges-*,
//! compile-time-reader) each try one way out of the sandbox; the tests check
//! the verdict, the score, that nothing was read or reached outside (the
//! fixtures panic with "SANDBOX BREACH" when they get through, and the test
//! looks at the host side too) and that nothing is left: processes of the
//! uid, children, files in /tmp and /dev/shm, System V IPC objects.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use course::commands::grade::cgroup::MemoryGroup;
use course::commands::grade::model::{ExerciseResult, SubmissionResult, Verdict};
use course::commands::grade::procfs;
use course::commands::grade::sandbox::{Isolation, process_limit_enforced};
use course::commands::grade::slot;

mod common;
use common::copy_dir;

/// The wall-clock limit per test given to the grader.
const WALL_SECONDS: f64 = 3.0;
/// How long past its limit a test run may take to be killed and reaped.
const KILL_SLACK_SECONDS: f64 = 2.0;
/// A whole grading: the first one also builds the dependencies.
const GRADER_DEADLINE: Duration = Duration::from_secs(1200);

static SERIAL: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    nix::sys::prctl::set_child_subreaper(true).expect("cannot become a child subreaper");
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/submissions")
}

/// A fresh, empty folder private to one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("grade")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies `from` (relative to the course root) into `submission` as the
/// student's file of `exercise` in chapter folder `chapter`.
fn put(submission: &Path, chapter: &str, exercise: &str, from: &str) {
    let dir = submission
        .join("exercises")
        .join(chapter)
        .join("src/exercises");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(course_root().join(from), dir.join(format!("{exercise}.rs")))
        .unwrap_or_else(|e| panic!("cannot copy {from}: {e}"));
}

/// How many tests `tests/<exercise>.rs` of a chapter has (the grader must
/// find every one of them).
fn test_count(chapter: &str, exercise: &str) -> usize {
    let path = course_root()
        .join("exercises")
        .join(chapter)
        .join("tests")
        .join(format!("{exercise}.rs"));
    let text = std::fs::read_to_string(&path).unwrap();
    text.matches("#[test]").count() - text.matches("#[ignore").count()
}

/// Runs `course grade <args>` and fails with what it printed if it did not
/// succeed.
fn grade(args: &[&str]) -> testkit::ProgramRun {
    let mut all = vec!["grade"];
    all.extend_from_slice(args);
    let run = testkit::run_program(env!("CARGO_BIN_EXE_course"), &all, GRADER_DEADLINE);
    assert!(
        run.status.success(),
        "`course {}` failed ({}).\nstdout:\n{}\nstderr:\n{}",
        all.join(" "),
        run.status,
        run.stdout,
        run.stderr
    );
    run
}

fn read_result(path: &Path) -> SubmissionResult {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("the grader wrote no {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not a grading result: {e}", path.display()))
}

/// Reads the JUnit report at `path` back with quick-junit (the crate that
/// wrote it) and compares it with the JSON result: one suite per exercise,
/// one case per test with the same verdict, the reason's first line as the
/// message, and every review flag as a `flagged-for-review` property.
fn junit_problems(student: &str, result: &SubmissionResult, path: &Path) -> Vec<String> {
    use quick_junit::{NonSuccessKind, TestCaseStatus};
    let xml = std::fs::read_to_string(path).unwrap_or_default();
    let report = match quick_junit::Report::deserialize_from_str(&xml) {
        Ok(report) => report,
        Err(error) => {
            return vec![format!(
                "{student}: the JUnit report does not read back: {error}\n{xml}"
            )];
        }
    };
    let mut problems = Vec::new();
    let suites: Vec<&str> = report.test_suites.iter().map(|s| s.name.as_str()).collect();
    let exercises: Vec<&str> = result.exercises.iter().map(|e| e.name.as_str()).collect();
    if suites != exercises {
        problems.push(format!(
            "{student}: JUnit suites {suites:?}, JSON exercises {exercises:?}"
        ));
    }
    for (suite, exercise) in report.test_suites.iter().zip(&result.exercises) {
        let flags: Vec<&str> = suite
            .properties
            .iter()
            .filter(|p| p.name.as_str() == "flagged-for-review")
            .map(|p| p.value.as_str())
            .collect();
        if flags
            != exercise
                .review
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        {
            problems.push(format!(
                "{student}: JUnit review flags {flags:?}, JSON {:?}",
                exercise.review
            ));
        }
        let classname = format!("{}.{}", exercise.crate_name, exercise.name);
        let cases = suite.test_cases.iter().zip(&exercise.tests);
        if suite.test_cases.len() != exercise.tests.len() {
            problems.push(format!(
                "{student}: {} JUnit cases for {} tests of {}",
                suite.test_cases.len(),
                exercise.tests.len(),
                exercise.name
            ));
        }
        for (case, test) in cases {
            let (verdict, message) = match &case.status {
                TestCaseStatus::Success { .. } => (Verdict::Pass, None),
                TestCaseStatus::NonSuccess {
                    kind: NonSuccessKind::Failure,
                    message,
                    ty,
                    ..
                } if ty.as_deref() == Some("needs-review") => {
                    (Verdict::NeedsReview, message.as_deref())
                }
                TestCaseStatus::NonSuccess {
                    kind: NonSuccessKind::Failure,
                    message,
                    ..
                } => (Verdict::Fail, message.as_deref()),
                TestCaseStatus::NonSuccess {
                    kind: NonSuccessKind::Error,
                    message,
                    ..
                } => (Verdict::Error, message.as_deref()),
                TestCaseStatus::Skipped { .. } => {
                    problems.push(format!("{student}: {} is skipped in JUnit", test.name));
                    continue;
                }
            };
            // As quick-junit keeps it: without colour codes and control characters.
            let reason = test.reason.lines().next().map(quick_junit::XmlString::new);
            let reason = reason.as_deref();
            if case.name.as_str() != test.name
                || case.classname.as_deref() != Some(classname.as_str())
                || verdict != test.verdict
                || verdict != Verdict::Pass && message != reason
            {
                problems.push(format!(
                    "{student}: JUnit has {} ({:?}) {verdict:?} {message:?}, JSON {} {:?} {reason:?}",
                    case.name.as_str(),
                    case.classname,
                    test.name,
                    test.verdict
                ));
            }
        }
    }
    problems
}

/// Whether the process limit can be enforced here, checked the way the
/// grader checks it.
fn fork_limit_in_force() -> bool {
    let isolation = if nix::unistd::getuid().is_root() {
        Isolation::DedicatedUid(slot::FIRST_UID + slot::SLOTS as u32 - 1)
    } else {
        Isolation::ProcessGroup
    };
    process_limit_enforced(isolation)
}

/// What a grading left behind: processes of the uid the tests ran as (when
/// it was a dedicated one), and children of this test process.
fn leftovers(result: &SubmissionResult) -> Vec<String> {
    let mut found = Vec::new();
    if result.sandbox.mode == "dedicated-uid" || result.sandbox.mode == "confined" {
        found.extend(
            procfs::processes_of_uid(result.sandbox.uid)
                .iter()
                .map(|p| format!("{p} (uid {})", result.sandbox.uid)),
        );
    }
    found.extend(
        procfs::descendants_of(std::process::id() as i32)
            .iter()
            .map(|p| format!("{p} (a child of the test)")),
    );
    found.extend(host_traces());
    found
}

/// The key of the System V segment the fills-tmp fixture creates.
const FIXTURE_SHM_KEY: i64 = 0x0c0ffee;

/// What the hostile fixtures try to leave on the host: files named
/// `course-fixture-*` in /tmp, /var/tmp and /dev/shm, and their System V
/// shared memory segment.
fn host_traces() -> Vec<String> {
    let mut found = Vec::new();
    for dir in ["/tmp", "/var/tmp", "/dev/shm"] {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with("course-fixture")
            {
                found.push(format!("{} on the host", entry.path().display()));
            }
        }
    }
    let shm = std::fs::read_to_string("/proc/sysvipc/shm").unwrap_or_default();
    for line in shm.lines().skip(1) {
        if line
            .split_whitespace()
            .next()
            .and_then(|k| k.parse::<i64>().ok())
            == Some(FIXTURE_SHM_KEY)
        {
            found.push(format!(
                "the System V segment {FIXTURE_SHM_KEY:#x} on the host"
            ));
        }
    }
    found
}

/// The problems of one exercise's result against what was expected.
fn check_exercise(
    who: &str,
    exercise: &ExerciseResult,
    expected_tests: usize,
    verdict: Verdict,
    reason: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    if exercise.tests.len() != expected_tests {
        problems.push(format!(
            "{who}: expected {expected_tests} tests of {}, the grader found {} ({:?})",
            exercise.name,
            exercise.tests.len(),
            exercise.tests.iter().map(|t| &t.name).collect::<Vec<_>>()
        ));
    }
    for test in &exercise.tests {
        if test.verdict != verdict || !test.reason.contains(reason) {
            problems.push(format!(
                "{who}: {} should be `{}` with a reason containing {reason:?}, got `{}`: {:?}",
                test.name,
                verdict.label(),
                test.verdict.label(),
                test.reason
            ));
        }
        if test.seconds > WALL_SECONDS + KILL_SLACK_SECONDS {
            problems.push(format!(
                "{who}: {} ran for {:.1}s although the limit is {WALL_SECONDS}s: the grader did \
                 not stop it in time",
                test.name, test.seconds
            ));
        }
    }
    let expected_score = if verdict == Verdict::Pass {
        expected_tests as f64
    } else {
        0.0
    };
    if exercise.score != expected_score || exercise.max_score != expected_tests as f64 {
        problems.push(format!(
            "{who}: expected {expected_score}/{expected_tests} points for {}, got {}/{}",
            exercise.name, exercise.score, exercise.max_score
        ));
    }
    problems
}

#[test]
fn a_class_of_misbehaving_submissions_is_graded_safely() {
    let _serial = one_at_a_time();
    let tests = test_count("01-threads", "ordered_results");
    let class = scratch("class");
    let out = scratch("class-reports");
    copy_dir(&fixtures(), &class);
    let starter = "exercises/01-threads/src/exercises/ordered_results.rs";
    put(
        &class.join("starter"),
        "01-threads",
        "ordered_results",
        starter,
    );
    put(
        &class.join("edits-tests"),
        "01-threads",
        "ordered_results",
        starter,
    );
    put(
        &class.join("solved"),
        "01-threads",
        "ordered_results",
        "solutions/01-threads/src/exercises/ordered_results.rs",
    );
    let wall = format!("no result within {WALL_SECONDS}s: a deadlock or an endless loop?");
    let mut expected: Vec<(&str, Verdict, &str)> = vec![
        (
            "does-not-compile",
            Verdict::Error,
            "does not compile: error[E0308]",
        ),
        ("hangs", Verdict::Error, &wall),
        ("deadlocks", Verdict::Error, &wall),
        (
            "panics",
            Verdict::Fail,
            "the workers went on strike (fixture: panics)",
        ),
        ("fork-bomb", Verdict::Error, "process limit"),
        ("allocates", Verdict::Error, "memory limit"),
        (
            "allocates-in-children",
            Verdict::Error,
            "processes together used more",
        ),
        ("floods", Verdict::Error, "output flood"),
        (
            "leaves-child",
            Verdict::Error,
            "process(es) behind after it ended",
        ),
        (
            "fakes-pass",
            Verdict::Error,
            "exited with status 0 before reporting a result",
        ),
        (
            "edits-tests",
            Verdict::Fail,
            "not yet implemented: spawn a thread per index",
        ),
        (
            "starter",
            Verdict::Fail,
            "not yet implemented: spawn a thread per index",
        ),
        ("solved", Verdict::Pass, ""),
        ("reads-teacher-files", Verdict::Pass, ""),
        ("reaches-network", Verdict::Pass, ""),
        // Flagged (an `extern` block), and accepted by the teacher below:
        // its passes count.
        ("fills-tmp", Verdict::Pass, ""),
        ("opens-descriptors", Verdict::Pass, ""),
        ("compile-time-reader", Verdict::Pass, ""),
        (
            "forges-test-list",
            Verdict::Error,
            "lists other tests than the teacher's build",
        ),
        // A forger inside its own process could have made its passes up:
        // they score nothing until a teacher accepts them.
        (
            "forges-before-main",
            Verdict::NeedsReview,
            "could have forged that report",
        ),
    ];
    // Flagged for review: (student, what the flag must mention).
    let mut flagged = vec![
        ("fakes-pass", "std::process::exit"),
        ("forges-before-main", "link_section"),
        ("forges-test-list", "link_section"),
        ("leaves-child", "`extern` block"),
        ("fork-bomb", "`extern` block"),
        ("fills-tmp", "`extern` block"),
        ("allocates-in-children", "`extern` block"),
    ];
    // A folder that is a link to another submission: a row with an error.
    std::os::unix::fs::symlink(class.join("hangs"), class.join("linked")).unwrap();
    // The port the reaches-network fixture tries, open outside the sandbox.
    let outside = std::net::TcpListener::bind("127.0.0.1:47311")
        .expect("cannot listen on 127.0.0.1:47311 for the network fixture: is it in use?");
    outside.set_nonblocking(true).unwrap();
    if !fork_limit_in_force() {
        eprintln!(
            "\n!!!!!!!!\n!!!!!!!! SKIPPING the fork-bomb submission: RLIMIT_NPROC is not \
             enforced for this user here (root inside a user namespace, or CAP_SYS_RESOURCE?), \
             so grading it could exhaust the machine.\n!!!!!!!!\n"
        );
        std::fs::remove_dir_all(class.join("fork-bomb")).unwrap();
        expected.retain(|(name, ..)| *name != "fork-bomb");
        flagged.retain(|(name, _)| *name != "fork-bomb");
    }
    if let Err(why) = MemoryGroup::create(1 << 20) {
        eprintln!(
            "\n!!!!!!!!\n!!!!!!!! SKIPPING the allocates-in-children submission: this machine \
             gives the grader no memory control group ({why}), so its processes together are \
             not bounded.\n!!!!!!!!\n"
        );
        std::fs::remove_dir_all(class.join("allocates-in-children")).unwrap();
        expected.retain(|(name, ..)| *name != "allocates-in-children");
        flagged.retain(|(name, _)| *name != "allocates-in-children");
    }
    let run = grade(&[
        "--class",
        class.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        // One slot: its teacher's build is reused by every submission.
        "--jobs",
        "1",
        "--exercise",
        "ordered_results",
        "--timeout",
        "3",
        "--memory",
        "256",
        "--processes",
        "64",
        "--output-limit",
        "1000000",
        "--accept",
        "fills-tmp:ordered_results",
    ]);
    let mut problems = Vec::new();
    for (student, verdict, reason) in &expected {
        let result = read_result(&out.join(format!("{student}.json")));
        if result.exercises.len() != 1 {
            problems.push(format!(
                "{student}: expected one graded exercise, got {}",
                result.exercises.len()
            ));
            continue;
        }
        problems.extend(check_exercise(
            student,
            &result.exercises[0],
            tests,
            *verdict,
            reason,
        ));
        if nix::unistd::getuid().is_root() && !result.sandbox.process_limit_enforced {
            problems.push(format!(
                "{student}: graded as root without an enforced process limit"
            ));
        }
        problems.extend(
            leftovers(&result)
                .into_iter()
                .map(|p| format!("{student}: left behind: {p}")),
        );
    }
    match outside.accept() {
        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
        other => problems.push(format!(
            "reaches-network: the port 127.0.0.1:47311 outside the sandbox was reached: {other:?}"
        )),
    }
    for &(student, construct) in &flagged {
        let result = read_result(&out.join(format!("{student}.json")));
        let flags = result.review_flags();
        if !flags.iter().any(|f| f.contains(construct)) {
            problems.push(format!(
                "{student}: expected a review flag mentioning {construct:?} in the JSON, got {flags:?}"
            ));
        }
        let text = std::fs::read_to_string(out.join(format!("{student}.txt"))).unwrap_or_default();
        let junit =
            std::fs::read_to_string(out.join(format!("{student}.junit.xml"))).unwrap_or_default();
        let scope = std::fs::read_to_string(out.join(format!("{student}.gradescope.json")))
            .unwrap_or_default();
        for (format, report) in [("text", &text), ("JUnit", &junit), ("Gradescope", &scope)] {
            let says =
                report.contains("FLAGGED FOR REVIEW") || report.contains("flagged-for-review");
            if !says || !report.contains(construct) {
                problems.push(format!(
                    "{student}: the {format} report does not flag {construct:?} for review"
                ));
            }
        }
    }
    for (student, _, _) in &expected {
        let flagged_here = flagged.iter().any(|(s, _)| s == student);
        let result = read_result(&out.join(format!("{student}.json")));
        if !flagged_here && !result.review_flags().is_empty() {
            problems.push(format!(
                "{student}: flagged for review without cause: {:?}",
                result.review_flags()
            ));
        }
        if nix::unistd::getuid().is_root() && result.sandbox.mode != "confined" {
            problems.push(format!(
                "{student}: graded as root in mode {} instead of confined",
                result.sandbox.mode
            ));
        }
        let json_bytes = std::fs::metadata(out.join(format!("{student}.json")))
            .map(|m| m.len())
            .unwrap_or(0);
        problems.extend(junit_problems(
            student,
            &result,
            &out.join(format!("{student}.junit.xml")),
        ));
        if json_bytes > 256 << 10 {
            problems.push(format!(
                "{student}: the JSON report is {json_bytes} bytes: student output must be capped"
            ));
        }
    }
    let compile = read_result(&out.join("does-not-compile.json")).exercises[0]
        .compile
        .clone()
        .expect("a compile result");
    if compile.ok || !compile.errors.iter().any(|l| l.contains("expected `u32`")) {
        problems.push(format!(
            "does-not-compile: the report should quote the compiler's error, got {:?}",
            compile.errors
        ));
    }
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let table = std::fs::read_to_string(out.join("summary.md")).unwrap();
    let linked_row = csv.lines().find(|l| l.starts_with("linked,"));
    if !linked_row.is_some_and(|row| row.contains("symbolic link")) {
        problems.push(format!(
            "summary.csv must report the linked folder as a row with an error, got {linked_row:?}:\n{csv}"
        ));
    }
    if !csv
        .lines()
        .next()
        .is_some_and(|h| h.ends_with(",flagged for review"))
    {
        problems.push(format!("summary.csv has no review column:\n{csv}"));
    }
    for &(student, construct) in &flagged {
        let row = csv.lines().find(|l| l.starts_with(&format!("{student},")));
        if !row.is_some_and(|r| r.contains(construct)) {
            problems.push(format!(
                "summary.csv does not flag {student} for review: {row:?}"
            ));
        }
        let md_row = table
            .lines()
            .find(|l| l.starts_with(&format!("| {student} |")));
        if !md_row.is_some_and(|r| r.contains(construct)) {
            problems.push(format!(
                "summary.md does not flag {student} for review: {md_row:?}"
            ));
        }
    }
    // Held for review, or accepted: the summary says which.
    for (student, says) in [
        (
            "forges-before-main",
            "NEEDS REVIEW, 0 points until accepted: ordered_results",
        ),
        ("fills-tmp", "accepted: ordered_results"),
    ] {
        let row = csv.lines().find(|l| l.starts_with(&format!("{student},")));
        if !row.is_some_and(|r| r.contains(says)) {
            problems.push(format!(
                "summary.csv should say {says:?} for {student}: {row:?}"
            ));
        }
    }
    let held = std::fs::read_to_string(out.join("forges-before-main.txt")).unwrap_or_default();
    if !held.contains("needs review")
        || !held.contains("--accept forges-before-main:ordered_results")
    {
        problems.push(format!(
            "forges-before-main: the text report should say `needs review` and how to accept:\n{held}"
        ));
    }
    for (student, verdict, _) in &expected {
        let total = if *verdict == Verdict::Pass { tests } else { 0 };
        // student, ordered_results, total, max, errors
        let row = format!("{student},{total},{total},{tests},");
        if !csv.lines().any(|l| l.starts_with(&row)) {
            problems.push(format!("summary.csv has no row starting {row:?}:\n{csv}"));
        }
        if !table.contains(&format!("| {student} | {total} | {total} | {tests} |")) {
            problems.push(format!("summary.md has no row for {student}:\n{table}"));
        }
    }
    assert!(
        problems.is_empty(),
        "grading the class went wrong:\n  - {}\n\nThe grader printed:\n{}",
        problems.join("\n  - "),
        run.stdout
    );
}

#[test]
fn a_submission_that_does_not_compile_loses_that_exercise_only_and_every_format_says_so() {
    let _serial = one_at_a_time();
    let submission = scratch("two-exercises").join("ada");
    copy_dir(&fixtures().join("does-not-compile"), &submission);
    put(
        &submission,
        "01-threads",
        "overlapping_workers",
        "solutions/01-threads/src/exercises/overlapping_workers.rs",
    );
    let reports = scratch("two-exercises-reports");
    let json = reports.join("ada.json");
    let junit = reports.join("ada.xml");
    let gradescope = reports.join("results.json");
    let run = grade(&[
        submission.to_str().unwrap(),
        "--exercise",
        "ordered_results",
        "--exercise",
        "overlapping_workers",
        "--timeout",
        "3",
        "--json",
        json.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
        "--gradescope",
        gradescope.to_str().unwrap(),
    ]);
    let result = read_result(&json);
    let ordered = test_count("01-threads", "ordered_results");
    let overlapping = test_count("01-threads", "overlapping_workers");
    let mut problems = Vec::new();
    let names: Vec<&str> = result.exercises.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["ordered_results", "overlapping_workers"],
        "expected both selected exercises, in course order"
    );
    problems.extend(check_exercise(
        "ada",
        &result.exercises[0],
        ordered,
        Verdict::Error,
        "does not compile",
    ));
    problems.extend(check_exercise(
        "ada",
        &result.exercises[1],
        overlapping,
        Verdict::Pass,
        "",
    ));
    if result.score != overlapping as f64 || result.max_score != (ordered + overlapping) as f64 {
        problems.push(format!(
            "expected a total of {overlapping}/{}, got {}/{}",
            ordered + overlapping,
            result.score,
            result.max_score
        ));
    }
    problems.extend(leftovers(&result));
    let total_line = format!("Total: {overlapping}/{} points", ordered + overlapping);
    if !run.stdout.contains(&total_line) {
        problems.push(format!("the report on stdout has no {total_line:?}"));
    }

    let xml = std::fs::read_to_string(&junit).unwrap();
    for needle in [
        "<testsuite name=\"ordered_results\"",
        &format!("errors=\"{ordered}\""),
        "<error message=\"does not compile: error[E0308]: mismatched types\">",
        "<testsuite name=\"overlapping_workers\"",
        "classname=\"threads.overlapping_workers\"",
    ] {
        if !xml.contains(needle) {
            problems.push(format!("the JUnit file has no {needle:?}:\n{xml}"));
        }
    }
    if xml.matches("<testcase ").count() != ordered + overlapping {
        problems.push(format!(
            "the JUnit file should have one testcase per test:\n{xml}"
        ));
    }
    problems.extend(junit_problems("ada", &result, &junit));

    let scope: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&gradescope).unwrap()).unwrap();
    if scope["score"] != overlapping as f64 || scope["max_score"] != (ordered + overlapping) as f64
    {
        problems.push(format!("Gradescope score/max_score are wrong: {scope}"));
    }
    let entries = scope["tests"].as_array().cloned().unwrap_or_default();
    let failed = entries.iter().filter(|t| t["status"] == "failed").count();
    let passed = entries.iter().filter(|t| t["status"] == "passed").count();
    if (failed, passed) != (ordered, overlapping)
        || !entries
            .iter()
            .all(|t| t["name"].is_string() && t["score"].is_number() && t["max_score"].is_number())
        || !entries.iter().filter(|t| t["status"] == "failed").all(|t| {
            t["output"]
                .as_str()
                .unwrap_or("")
                .contains("does not compile")
        })
    {
        problems.push(format!(
            "Gradescope tests should be {ordered} failed (\"does not compile\") and \
             {overlapping} passed, each with name, score, max_score, status, output: {scope}"
        ));
    }
    assert!(
        problems.is_empty(),
        "grading went wrong:\n  - {}\n\nThe grader printed:\n{}",
        problems.join("\n  - "),
        run.stdout
    );
}

#[test]
fn the_cpu_limit_stops_an_endless_loop_before_the_wall_clock_does() {
    let _serial = one_at_a_time();
    let reports = scratch("cpu-limit");
    let json = reports.join("hangs.json");
    grade(&[
        fixtures().join("hangs").to_str().unwrap(),
        "--exercise",
        "ordered_results",
        "--cpu",
        "1",
        "--timeout",
        "60",
        "--json",
        json.to_str().unwrap(),
    ]);
    let result = read_result(&json);
    let exercise = &result.exercises[0];
    for test in &exercise.tests {
        assert!(
            test.verdict == Verdict::Error && test.reason.contains("CPU time limit"),
            "{}: expected the CPU limit (1s) to stop the endless loop, got `{}`: {}",
            test.name,
            test.verdict.label(),
            test.reason
        );
    }
    assert_eq!(
        exercise.tests.len(),
        test_count("01-threads", "ordered_results")
    );
    let left = leftovers(&result);
    assert!(
        left.is_empty(),
        "the grading left processes behind: {left:?}"
    );
}

#[test]
fn the_process_group_fallback_leaves_nothing_behind_either() {
    // What a grader that is not root does with --unconfined: no dedicated
    // uid, so the runs are killed by process group and by a scan of the
    // grader's descendants. (As root the process limit is then not enforced;
    // the fork bomb is not graded here.)
    let _serial = one_at_a_time();
    let class = scratch("process-groups");
    let out = scratch("process-groups-reports");
    for student in ["hangs", "leaves-child"] {
        copy_dir(&fixtures().join(student), &class.join(student));
    }
    let run = grade(&[
        "--class",
        class.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--exercise",
        "ordered_results",
        "--unconfined",
        "--isolation",
        "process-group",
        "--timeout",
        "3",
    ]);
    let tests = test_count("01-threads", "ordered_results");
    let wall = format!("no result within {WALL_SECONDS}s");
    let mut problems = Vec::new();
    for (student, reason) in [
        ("hangs", wall.as_str()),
        ("leaves-child", "process(es) behind after it ended"),
    ] {
        let result = read_result(&out.join(format!("{student}.json")));
        if result.sandbox.mode != "process-group" {
            problems.push(format!("{student}: graded in mode {}", result.sandbox.mode));
        }
        problems.extend(check_exercise(
            student,
            &result.exercises[0],
            tests,
            Verdict::Error,
            reason,
        ));
        problems.extend(
            leftovers(&result)
                .into_iter()
                .map(|p| format!("{student}: left behind: {p}")),
        );
    }
    assert!(
        problems.is_empty(),
        "grading in process-group mode went wrong:\n  - {}\n\nThe grader printed:\n{}",
        problems.join("\n  - "),
        run.stdout
    );
}

#[test]
fn a_grader_that_cannot_confine_says_what_is_off_and_refuses() {
    // Not root: no uid of its own per run, no namespaces. Run the grader as
    // the unprivileged `nobody` (when this test is root) and expect a refusal
    // that names the protections, and no grading at all.
    use std::os::unix::process::CommandExt;
    if !nix::unistd::getuid().is_root() {
        let run = testkit::run_program(
            env!("CARGO_BIN_EXE_course"),
            &["grade", fixtures().join("panics").to_str().unwrap()],
            GRADER_DEADLINE,
        );
        check_refusal(run.status.success(), &run.stdout, &run.stderr);
        return;
    }
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_course"));
    command
        .args(["grade", fixtures().join("panics").to_str().unwrap()])
        .current_dir(course_root())
        .uid(65534)
        .gid(65534);
    let deadline = Duration::from_secs(60);
    let run = match testkit::run_command(&mut command, testkit::Limits::in_all(deadline)) {
        Ok(run) => run,
        Err(testkit::NotRun::Start(e)) => panic!("cannot start the grader as nobody: {e}"),
        Err(testkit::NotRun::Overstayed { .. }) => {
            panic!("the grader, run as nobody, did not refuse within {deadline:?}")
        }
    };
    check_refusal(run.status.success(), &run.stdout, &run.stderr);
}

fn check_refusal(success: bool, stdout: &str, stderr: &str) {
    assert!(
        !success,
        "a grader that cannot confine must refuse without --unconfined; it graded:\n{stdout}"
    );
    for needle in [
        "protections are OFF",
        "mount namespace",
        "network namespace",
        "dedicated uid",
        "--unconfined",
    ] {
        assert!(
            stderr.contains(needle),
            "the refusal should name {needle:?}; it said:\n{stderr}"
        );
    }
    assert!(
        !stdout.contains("Total:"),
        "nothing may be graded after a refusal:\n{stdout}"
    );
}
