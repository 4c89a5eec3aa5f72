//! The `Process` handle: start, join, is_alive, terminate, kill, and the exit
//! status in Rust's terms and in Python's.

use processes::demos::api::{start_sleeper, stop_a_sleeper, zombie_until_joined};
use processes::demos::process::{ExitStatus, Process};
use testkit::{DEADLINE, within};

#[test]
fn the_childs_return_value_is_its_exit_code() {
    let _clean = testkit::process_scope();
    let mut child = Process::start(|| 42).expect("fork failed");
    assert_ne!(
        child.pid(),
        std::process::id() as i32,
        "the child has a pid of its own"
    );
    let status = within(
        DEADLINE,
        "joining a child that returns 42",
        "join never returned: is waitpid called on the right pid?",
        move || child.join().expect("join failed"),
    );
    assert_eq!(status, ExitStatus::Exited(42));
    assert!(!status.success());
    assert_eq!(status.python_exitcode(), 42);
}

#[test]
fn join_twice_returns_the_same_status() {
    let _clean = testkit::process_scope();
    let mut child = Process::start(|| 0).expect("fork failed");
    let first = child.join().expect("first join failed");
    let second = child
        .join()
        .expect("a second join must not fail: the status is cached");
    assert_eq!(first, ExitStatus::Exited(0));
    assert_eq!(second, first);
    assert!(first.success());
    assert_eq!(child.exit_status(), Some(first));
}

#[test]
fn a_panicking_body_exits_with_101() {
    let _clean = testkit::process_scope();
    let mut child = Process::start(|| panic!("on purpose")).expect("fork failed");
    assert_eq!(child.join().expect("join failed"), ExitStatus::Exited(101));
}

#[test]
fn terminate_gives_sigterm_and_python_minus_15() {
    let _clean = testkit::process_scope();
    let status = within(
        DEADLINE,
        "terminating a sleeper",
        "the sleeper survived SIGTERM, or join waited on the wrong pid",
        || stop_a_sleeper(true).expect("fork or wait failed"),
    );
    assert_eq!(
        status,
        ExitStatus::Signaled(15),
        "expected death by SIGTERM (15), got {status}"
    );
    assert_eq!(status.python_exitcode(), -15);
}

#[test]
fn kill_gives_sigkill_and_python_minus_9() {
    let _clean = testkit::process_scope();
    let status = within(
        DEADLINE,
        "killing a sleeper",
        "the sleeper survived SIGKILL?",
        || stop_a_sleeper(false).expect("fork or wait failed"),
    );
    assert_eq!(
        status,
        ExitStatus::Signaled(9),
        "expected death by SIGKILL (9), got {status}"
    );
    assert_eq!(status.python_exitcode(), -9);
    assert_eq!(status.to_string(), "killed by signal 9 (SIGKILL)");
}

#[test]
fn is_alive_until_killed_and_signals_after_join_do_nothing() {
    let _clean = testkit::process_scope();
    let mut child = start_sleeper().expect("fork failed");
    assert!(
        child.is_alive(),
        "a sleeper that nobody signalled reported it was not alive"
    );
    assert_eq!(
        child.exit_status(),
        None,
        "no status before the child has ended"
    );
    child.kill().expect("kill failed");
    let status = child.join().expect("join failed");
    assert!(!child.is_alive());
    assert_eq!(status, ExitStatus::Signaled(9));
    // Reaped: its pid may belong to another process now. Signals must be a no-op.
    child
        .terminate()
        .expect("terminate after join must do nothing, not fail");
    child
        .kill()
        .expect("kill after join must do nothing, not fail");
}

#[test]
fn an_exited_child_is_a_zombie_until_joined() {
    let _clean = testkit::process_scope();
    let (before, after) = within(
        DEADLINE,
        "waiting for a child to exit",
        "the child never exited",
        || zombie_until_joined().expect("fork or wait failed"),
    );
    assert_eq!(
        before,
        Some('Z'),
        "an exited, unjoined child should be a zombie ('Z' in /proc/<pid>/stat)"
    );
    assert_eq!(
        after, None,
        "after join the child's /proc entry should be gone: it was reaped"
    );
}

#[test]
fn the_process_api_program_shows_code_and_signal() {
    let _clean = testkit::process_scope();
    let run = testkit::run_program(testkit::bin_path!("process_api"), &[], DEADLINE);
    assert!(run.status.success(), "process_api failed: {}", run.stderr);
    let lines = run.lines();
    assert_eq!(lines.len(), 3, "expected three lines, got:\n{}", run.stdout);
    assert!(
        lines[0].contains("Exited(3)") && lines[0].ends_with("Python exitcode 3"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("Signaled(15)") && lines[1].ends_with("Python exitcode -15"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("Signaled(9)") && lines[2].ends_with("Python exitcode -9"),
        "{}",
        lines[2]
    );
}

#[test]
fn the_zombie_program_shows_z_then_nothing() {
    let _clean = testkit::process_scope();
    let run = testkit::run_program(testkit::bin_path!("zombie"), &[], DEADLINE);
    assert!(run.status.success(), "zombie failed: {}", run.stderr);
    assert_eq!(
        run.lines(),
        ["state before join: Some('Z')", "state after join:  None"]
    );
}
