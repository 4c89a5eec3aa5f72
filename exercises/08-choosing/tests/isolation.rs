//! Tests of the isolation example: a panic on a thread is caught by join, an
//! abort on a thread ends the process, an abort in a child does not.

use choosing::demos::isolation::{Crash, crash_a_child, crash_on_thread};
use processes::demos::process::ExitStatus;
use std::os::unix::process::ExitStatusExt;
use testkit::{DEADLINE, bin_path, run_program};

const SIGABRT: i32 = 6;

#[test]
fn a_panic_on_a_thread_comes_back_from_join() {
    assert_eq!(
        crash_on_thread(Crash::Panic),
        Err("the job gives up".to_string())
    );
}

#[test]
fn an_abort_in_a_child_leaves_the_parent_standing() {
    let _clean = testkit::process_scope();
    assert_eq!(
        crash_a_child(Crash::Abort).unwrap(),
        ExitStatus::Signaled(SIGABRT)
    );
}

#[test]
fn the_program_survives_a_panicking_thread_and_an_aborting_child() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("crash_isolation"), &[], DEADLINE);
    assert!(run.status.success(), "isolation failed:\n{}", run.stderr);
    assert_eq!(
        run.count_lines_containing("join returned Err(\"the job gives up\")"),
        1
    );
    assert_eq!(run.count_lines_containing("Python exitcode -6"), 1);
    assert_eq!(
        run.lines().last().copied(),
        Some("main carried on"),
        "output:\n{}",
        run.stdout
    );
}

#[test]
fn an_abort_on_a_thread_takes_the_whole_program_down() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("crash_isolation"), &["abort-in-thread"], DEADLINE);
    assert_eq!(
        run.status.signal(),
        Some(SIGABRT),
        "an abort on any thread should kill the whole process with SIGABRT, but it ended with \
         {:?}; output:\n{}",
        run.status,
        run.stdout
    );
    assert_eq!(
        run.count_lines_containing("here goes"),
        1,
        "output:\n{}",
        run.stdout
    );
    assert_eq!(
        run.count_lines_containing("main carried on"),
        0,
        "main cannot carry on"
    );
}
