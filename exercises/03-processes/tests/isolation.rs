//! Memory isolation and crash isolation.

use processes::demos::isolation::{Crash, child_writes_balance, crash_a_child};
use processes::demos::process::ExitStatus;
use testkit::{DEADLINE, bin_path, run_program, within};

#[test]
fn a_childs_write_is_invisible_to_the_parent() {
    let _clean = testkit::process_scope();
    let (childs_view, parents_view) = child_writes_balance().expect("fork or join failed");
    assert_eq!(
        childs_view,
        ExitStatus::Exited(150),
        "the child adds 50 to its copy of 100"
    );
    assert_eq!(
        parents_view, 100,
        "the parent's balance must be untouched: the child wrote to its own copy"
    );
}

fn crash(how: Crash) -> ExitStatus {
    within(
        DEADLINE,
        "waiting for a crashing child",
        "the child hung instead of crashing",
        move || crash_a_child(how).expect("fork or join failed"),
    )
}

#[test]
fn an_aborting_child_dies_of_sigabrt() {
    let _clean = testkit::process_scope();
    let status = crash(Crash::Abort);
    assert_eq!(
        status,
        ExitStatus::Signaled(6),
        "abort() raises SIGABRT (6); got {status}"
    );
    assert_eq!(status.python_exitcode(), -6);
}

#[test]
fn a_segfaulting_child_dies_of_sigsegv() {
    let _clean = testkit::process_scope();
    let status = crash(Crash::Segfault);
    assert_eq!(
        status,
        ExitStatus::Signaled(11),
        "a write to address 0 gives SIGSEGV (11); got {status}"
    );
    assert_eq!(status.python_exitcode(), -11);
}

#[test]
fn the_isolation_program_survives_its_children() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("isolation"), &[], DEADLINE);
    assert!(
        run.status.success(),
        "the parent must survive all three crashes: {}",
        run.stderr
    );
    assert_eq!(
        run.lines(),
        [
            "the child saw a balance of 150; the parent still sees 100",
            "Panic: the child exited with code 101, Python exitcode 101",
            "Abort: the child killed by signal 6 (SIGABRT), Python exitcode -6",
            "Segfault: the child killed by signal 11 (SIGSEGV), Python exitcode -11",
            "the parent is still here",
        ]
    );
    // The panicking child's message, written to descriptor 2 by the child
    // itself (the panic test runs here, through the program, so that its
    // message lands in a pipe and not in the test's output).
    assert!(
        run.stderr.contains("panicked at") && run.stderr.contains("the child gives up"),
        "the panicking child's message must reach standard error, got:\n{}",
        run.stderr
    );
}
