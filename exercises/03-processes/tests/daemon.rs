//! Daemon children die with their parent, even when the parent is SIGKILLed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use nix::sys::wait::waitpid;
use nix::unistd::Pid;
use processes::demos::process::{ExitStatus, exit_status_of};
use testkit::{DEADLINE, bin_path, run_program, within};

/// Reads the `daemon_parent` program's output until it has named the daemon.
fn daemon_pid_from(stdout: std::process::ChildStdout) -> i32 {
    within(
        DEADLINE,
        "reading the daemon's pid",
        "daemon_parent never printed 'daemon child pid: N' (blocked before printing?)",
        move || {
            for line in BufReader::new(stdout).lines() {
                let line = line.expect("could not read daemon_parent's output");
                if let Some(pid) = line.strip_prefix("daemon child pid: ") {
                    return pid.parse::<i32>().expect("the daemon's pid is a number");
                }
            }
            panic!("daemon_parent ended without printing 'daemon child pid: N'");
        },
    )
}

// ANCHOR: sigkill_test
#[test]
fn the_daemon_dies_when_its_parent_is_killed() {
    let _clean = testkit::process_scope();
    let mut parent = Command::new(bin_path!("daemon_parent"))
        .stdin(Stdio::piped()) // kept open: the parent waits for it to close
        .stdout(Stdio::piped())
        .spawn()
        .expect("could not start daemon_parent");
    let daemon = daemon_pid_from(parent.stdout.take().expect("stdout was piped"));
    parent.kill().expect("could not SIGKILL daemon_parent");
    parent.wait().expect("could not reap daemon_parent");
    drop(parent.stdin.take());
    // The test process is a child subreaper (process_scope), so the orphaned
    // daemon was handed to us when its parent died: we can, and must, reap it.
    let status = within(
        DEADLINE,
        "waiting for the daemon after its parent was SIGKILLed",
        "the daemon outlived its parent: was PR_SET_PDEATHSIG set in the child?",
        move || waitpid(Pid::from_raw(daemon), None),
    );
    let status = status.unwrap_or_else(|e| {
        panic!("waitpid({daemon}) failed with {e}: the daemon was not handed to the test process")
    });
    assert_eq!(
        exit_status_of(status),
        Some(ExitStatus::Signaled(9)),
        "the daemon should die of the SIGKILL its parent's death sends it; it ended with {status:?}"
    );
}

// ANCHOR_END: sigkill_test

#[test]
fn a_normal_exit_kills_and_reaps_the_daemon() {
    let _clean = testkit::process_scope();
    // stdin is closed at once, so the parent returns from main normally.
    let run = run_program(bin_path!("daemon_parent"), &[], DEADLINE);
    assert!(run.status.success(), "daemon_parent failed: {}", run.stderr);
    let lines = run.lines();
    assert!(
        lines[0].starts_with("parent pid: ") && lines[1].starts_with("daemon child pid: "),
        "{}",
        run.stdout
    );
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    // If the handle's Drop had not reaped the daemon, it would now be our
    // zombie (we are its subreaper) and process_scope would fail the test.
}
