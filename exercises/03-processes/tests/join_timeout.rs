//! Exercise 1: `join_timeout`.

use std::time::{Duration, Instant};

use nix::unistd::{pipe, read, write};
use processes::demos::api::{proc_state, start_sleeper};
use processes::demos::process::{ExitStatus, Process};
use processes::exercises::join_timeout::join_timeout;
use testkit::{DEADLINE, within};

#[test]
fn returns_the_status_of_a_child_that_has_ended() {
    let _clean = testkit::process_scope();
    let mut child = Process::start(|| 5).expect("fork failed");
    let pid = child.pid();
    let (status, mut child) = within(
        DEADLINE,
        "join_timeout on a child that returns at once",
        "join_timeout never returned although the child had ended",
        move || {
            let status = join_timeout(&mut child, DEADLINE).expect("join_timeout failed");
            (status, child)
        },
    );
    assert_eq!(
        status,
        Some(ExitStatus::Exited(5)),
        "the child returned 5, so join_timeout should give Some(Exited(5))"
    );
    assert_eq!(
        proc_state(pid),
        None,
        "join_timeout returned the status but left the child a zombie: reap it (try_join does)"
    );
    assert_eq!(
        child.join().expect("join after join_timeout failed"),
        ExitStatus::Exited(5),
        "a later join returns the same status"
    );
}

#[test]
fn gives_none_after_the_timeout_and_leaves_the_child_running() {
    let _clean = testkit::process_scope();
    let mut child = start_sleeper().expect("fork failed");
    let timeout = Duration::from_millis(50);
    let started = Instant::now();
    let (status, mut child) = within(
        DEADLINE,
        "join_timeout(50 ms) on a child that never ends",
        "join_timeout waited for the child instead of giving up after the timeout",
        move || {
            let status = join_timeout(&mut child, timeout).expect("join_timeout failed");
            (status, child)
        },
    );
    let waited = started.elapsed();
    assert_eq!(
        status, None,
        "the sleeper never ends by itself, so the answer must be None"
    );
    assert!(
        waited >= timeout,
        "join_timeout gave up after {waited:?}, before the 50 ms timeout had passed"
    );
    assert!(
        child.is_alive(),
        "join_timeout must leave a running child alone (did it kill it?)"
    );
    child.kill().expect("kill failed");
    assert_eq!(child.join().expect("join failed"), ExitStatus::Signaled(9));
}

#[test]
fn a_zero_timeout_only_checks() {
    let _clean = testkit::process_scope();
    let mut child = start_sleeper().expect("fork failed");
    let (status, mut child) = within(
        DEADLINE,
        "join_timeout(0)",
        "a zero timeout must not wait for the child",
        move || {
            let status = join_timeout(&mut child, Duration::ZERO).expect("join_timeout failed");
            (status, child)
        },
    );
    assert_eq!(
        status, None,
        "the sleeper is running: join_timeout(0) gives None"
    );
    child.kill().expect("kill failed");
    // The kill is delivered asynchronously: now a real wait is needed.
    let (status, _child) = within(
        DEADLINE,
        "join_timeout after kill",
        "the killed child was never seen to end",
        move || {
            let status = join_timeout(&mut child, DEADLINE).expect("join_timeout failed");
            (status, child)
        },
    );
    assert_eq!(
        status,
        Some(ExitStatus::Signaled(9)),
        "after kill the child ends by SIGKILL"
    );
}

#[test]
fn returns_when_the_child_ends_not_when_the_timeout_does() {
    let _clean = testkit::process_scope();
    let (gate_out, gate_in) = pipe().expect("pipe failed");
    // The child waits for one byte on the pipe, then exits with 7.
    let mut child = Process::start(|| {
        let mut byte = [0u8; 1];
        match read(&gate_out, &mut byte) {
            Ok(1) => 7,
            _ => 1,
        }
    })
    .expect("fork failed");
    drop(gate_out);
    let an_hour = Duration::from_secs(3600);
    // Let the child go while join_timeout is already waiting (or about to).
    let waiter = std::thread::spawn(move || {
        let status = join_timeout(&mut child, an_hour);
        (status, child)
    });
    write(&gate_in, b"x").expect("could not release the child");
    drop(gate_in);
    let (status, _child) = within(
        DEADLINE,
        "join_timeout(1 hour) on a child that exits when released",
        "join_timeout did not return when the child ended: does it sleep for the whole timeout?",
        move || {
            waiter
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        },
    );
    assert_eq!(
        status.expect("join_timeout failed"),
        Some(ExitStatus::Exited(7)),
        "the released child exits with 7"
    );
}
