//! Exercise 1: `join_timeout`.

use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use nix::sys::wait::{Id, WaitPidFlag, waitid};
use nix::time::{ClockId, clock_gettime};
use nix::unistd::{Pid, pipe, read, write};
use processes::demos::api::{proc_state, start_sleeper};
use processes::demos::process::{ExitStatus, Process};
use processes::exercises::join_timeout::join_timeout;
use support::interrupt::Failure;
use testkit::{task, within};

mod support {
    pub mod interrupt;
}

/// How long a step that takes milliseconds may take before the test calls
/// it stuck: a hundred times what it takes on a loaded machine, and short
/// enough that a wrong solution that blocks fails the whole file (three
/// tests, one after the other) within 10 s.
const PATIENCE: Duration = Duration::from_secs(2);

/// What a `join_timeout` that blocks until the child ends is told.
const BLOCKS: &str = "join_timeout waited for the child instead of giving up after the timeout";

const C1: &str = "clause 1 (the status of an ended child)";
const C2: &str = "clause 2 (None after the timeout, child left running)";
const C3: &str = "clause 3 (a zero timeout only checks)";
const C4: &str = "clause 4 (returns when the child ends)";
const C5: &str = "clause 5 (sleeps while it waits)";
const C6: &str = "clause 6 (a signal does not end the wait)";

/// `join_timeout`, failing with a message that names `clause` on an error.
fn join_or_fail(clause: &str, process: &mut Process, timeout: Duration) -> Option<ExitStatus> {
    join_timeout(process, timeout)
        .unwrap_or_else(|e| panic!("{clause}: join_timeout({timeout:?}) failed: {e}"))
}

/// A child that waits for one byte on a pipe, then exits with 7; and the
/// write end that releases it (dropping it unreleased makes it exit with 1).
fn start_gated_child() -> (Process, std::os::fd::OwnedFd) {
    let (gate_out, gate_in) = pipe().expect("pipe failed");
    let keep = [gate_out.as_raw_fd()];
    // SAFETY: the child only calls read(2) and returns. It keeps only its
    // read end: holding a copy of the write end, it would never see
    // end-of-file when the test drops `gate_in`.
    let child = unsafe {
        Process::start_keeping_fds(&keep, move || {
            let mut byte = [0u8; 1];
            match read(&gate_out, &mut byte) {
                Ok(1) => 7,
                _ => 1,
            }
        })
    }
    .expect("fork failed");
    (child, gate_in)
}

/// Waits until `child` has ended, without reaping it (`WNOWAIT`): it stays a
/// zombie, with its status, for `join_timeout` to collect.
fn wait_until_ended_unreaped(child: &Process) {
    waitid(
        Id::Pid(Pid::from_raw(child.pid())),
        WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT,
    )
    .expect("waitid(WNOWAIT) failed");
}

#[test]
fn returns_the_status_of_a_child_that_has_ended() {
    let _clean = testkit::process_scope();
    // SAFETY: the child only returns 5.
    let mut child = unsafe { Process::start(|| 5) }.expect("fork failed");
    let pid = child.pid();
    let (status, mut child) = within(
        PATIENCE,
        &format!("{C1}: join_timeout on a child that returns at once"),
        "join_timeout never returned although the child had ended: does it sleep for the whole timeout?",
        move || {
            let status = join_or_fail(C1, &mut child, Duration::from_secs(3600));
            (status, child)
        },
    );
    assert_eq!(
        status,
        Some(ExitStatus::Exited(5)),
        "{C1}: the child returned 5, so join_timeout should give Some(Exited(5))"
    );
    assert_eq!(
        proc_state(pid),
        None,
        "{C1}: join_timeout returned the status but left the child a zombie: reap it (try_join does)"
    );
    // cannot block: the child was reaped (checked above), so join only
    // returns the status it kept
    assert_eq!(
        child
            .join()
            .unwrap_or_else(|e| panic!("{C1}: join after join_timeout failed: {e}")),
        ExitStatus::Exited(5),
        "{C1}: a later join returns the same status"
    );
}

#[test]
fn gives_none_after_the_timeout_and_leaves_the_child_running() {
    let _clean = testkit::process_scope();
    let (child, gate) = start_gated_child();
    let timeout = Duration::from_millis(50);
    let started = Instant::now();
    let (status, mut child) = within(
        PATIENCE,
        &format!("{C2}: join_timeout(50 ms) on a child that waits to be released"),
        BLOCKS,
        move || {
            let mut child = child;
            let status = join_or_fail(C2, &mut child, timeout);
            (status, child)
        },
    );
    let waited = started.elapsed();
    assert_eq!(
        status, None,
        "{C2}: the child waits to be released, so the answer after 50 ms must be None"
    );
    assert!(
        waited >= timeout,
        "{C2}: join_timeout gave up after {waited:?}, before the 50 ms timeout had passed"
    );
    // Release it: a child left alone exits with 7; a killed one does not.
    if let Err(e) = write(&gate, b"x") {
        panic!(
            "{C2}: join_timeout must leave a running child alone, but the test could not \
             release it ({e}): it is gone (did join_timeout kill it when the time was up?)"
        );
    }
    drop(gate);
    // cannot block: the child has its byte (or end-of-file) and returns
    assert_eq!(
        child.join().expect("join failed"),
        ExitStatus::Exited(7),
        "{C2}: join_timeout must leave a running child alone: it was ended by someone \
         (did join_timeout kill it when the time was up?)"
    );
}

#[test]
fn a_zero_timeout_only_checks() {
    let _clean = testkit::process_scope();
    let mut child = start_sleeper().expect("fork failed");
    let (status, mut child) = within(
        PATIENCE,
        &format!("{C3}: join_timeout(0)"),
        "join_timeout waited for the child instead of giving up after the timeout (zero: only check)",
        move || {
            let status = join_or_fail(C3, &mut child, Duration::ZERO);
            (status, child)
        },
    );
    assert_eq!(
        status, None,
        "{C3}: the sleeper is running: join_timeout(0) gives None"
    );
    child.kill().expect("kill failed");
    // The kill is delivered asynchronously: now a real wait is needed.
    let (status, _child) = within(
        PATIENCE,
        &format!("{C3}: join_timeout after kill"),
        "the killed child was never seen to end: does join_timeout sleep for the whole timeout?",
        move || {
            let status = join_or_fail(C3, &mut child, Duration::from_secs(3600));
            (status, child)
        },
    );
    assert_eq!(
        status,
        Some(ExitStatus::Signaled(9)),
        "{C3}: after kill the child ends by SIGKILL, and join_timeout must say so"
    );
}

#[test]
fn a_zero_timeout_on_an_already_exited_child_gives_its_status() {
    let _clean = testkit::process_scope();
    // SAFETY: the child only returns 3.
    let mut child = unsafe { Process::start(|| 3) }.expect("fork failed");
    wait_until_ended_unreaped(&child);
    let pid = child.pid();
    let (status, _child) = within(
        PATIENCE,
        &format!("{C3}: join_timeout(0) on a child that has already exited"),
        "a zero timeout must not wait for the child",
        move || {
            let status = join_or_fail(C3, &mut child, Duration::ZERO);
            (status, child)
        },
    );
    assert_eq!(
        status,
        Some(ExitStatus::Exited(3)),
        "{C3}: join_timeout(0) on a child that had already exited (with 3) must give its status: \
         check with try_join before deciding that the time is up"
    );
    assert_eq!(
        proc_state(pid),
        None,
        "{C3}: join_timeout(0) gave the status but left the child a zombie"
    );
}

/// CPU time used by the calling thread so far.
fn thread_cpu_time() -> Duration {
    let t = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID).expect("clock_gettime failed");
    Duration::new(t.tv_sec() as u64, t.tv_nsec() as u32)
}

/// How many times the calling thread has gone to sleep so far: its
/// voluntary context switches (`/proc/thread-self/status`). A call that
/// blocks (poll with a timeout, a sleep) adds one; a busy loop, however
/// long and however loaded the machine, adds none.
fn thread_sleeps() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/thread-self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))?
        .trim()
        .parse()
        .ok()
}

#[test]
fn join_timeout_sleeps_while_it_waits_even_for_the_last_millisecond() {
    let _clean = testkit::process_scope();
    let mut child = start_sleeper().expect("fork failed");
    // Many short waits: every one of them is all "last millisecond", where
    // a poll timeout rounded down to 0 ms turns into a busy loop.
    const WAITS: u32 = 30;
    let each = Duration::from_micros(900);
    let (cpu, wall, slept, mut child) = within(
        PATIENCE + Duration::from_secs(1),
        &format!("{C5}: 30 calls of join_timeout(0.9 ms) on a child that never ends"),
        BLOCKS,
        move || {
            let (cpu_before, started) = (thread_cpu_time(), Instant::now());
            let sleeps_before = thread_sleeps();
            for _ in 0..WAITS {
                let status = join_or_fail(C5, &mut child, each);
                assert_eq!(
                    status, None,
                    "{C2}: the sleeper never ends by itself: join_timeout must leave a running \
                     child alone (seen while checking {C5})"
                );
            }
            let slept = sleeps_before.zip(thread_sleeps()).map(|(a, b)| b - a);
            (
                thread_cpu_time() - cpu_before,
                started.elapsed(),
                slept,
                child,
            )
        },
    );
    child.kill().expect("kill failed");
    // cannot block: SIGKILL cannot be caught
    child.join().expect("join failed");
    // Each of the 30 calls must have slept at least once: a loop that only
    // checks never does, which a loaded machine cannot hide (it can hide
    // the CPU time below, by giving the loop few turns).
    if let Some(slept) = slept {
        assert!(
            slept >= u64::from(WAITS),
            "{C5}: busy-waiting: in {WAITS} calls of join_timeout(0.9 ms), the thread went to \
             sleep only {slept} times. Each call must sleep while the child runs (poll on a \
             pidfd, or sleep between two try_join calls), also for the last fraction of a \
             millisecond: poll's timeout counts whole milliseconds, so round the time left up, \
             not down"
        );
    }
    // A thread that sleeps while it waits uses a few percent of the wall
    // time (the system calls); one that checks again and again without
    // sleeping uses all the CPU it gets. An eighth is far from both.
    assert!(
        cpu < wall / 8,
        "{C5}: busy-waiting: join_timeout used {cpu:?} of CPU time in {wall:?} of waiting. \
         It must sleep while the child runs (poll on a pidfd, or sleep between two \
         try_join calls), also for the last fraction of a millisecond: poll's timeout \
         counts whole milliseconds, so round the time left up, not down"
    );
}

#[test]
fn returns_when_the_child_ends_not_when_the_timeout_does() {
    let _clean = testkit::process_scope();
    let (mut child, gate) = start_gated_child();
    let an_hour = Duration::from_secs(3600);
    let (tid_tx, tid_rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let _ = tid_tx.send(task::current_tid());
        let status = join_timeout(&mut child, an_hour);
        (status, child)
    });
    let tid = tid_rx
        .recv_timeout(PATIENCE)
        .expect("the test's waiting thread never started");
    // Release the child only once join_timeout is asleep in its wait: it
    // has then certainly looked once and found the child running. Releasing
    // it earlier would let a join_timeout that looks once, then sleeps for
    // the whole hour, see the child already gone and pass by luck.
    if let Err(what) = task::until_waiting(tid, PATIENCE) {
        drop(gate); // the child exits with 1
        let outcome = within(
            PATIENCE,
            &format!("{C4}: the waiting thread"),
            BLOCKS,
            move || {
                waiter
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            },
        );
        panic!(
            "{C5}: join_timeout(1 hour) on a child that was still running did not sleep \
             while it waited: {what}. It returned {:?}: it must wait for the child \
             (poll on a pidfd, or sleep between two try_join calls), and must not \
             be busy-waiting",
            outcome.0
        );
    }
    if let Err(e) = write(&gate, b"x") {
        panic!(
            "{C2}: join_timeout must leave a running child alone, but the test could not \
             release it ({e}): it is gone (did join_timeout kill it when the time was up?)"
        );
    }
    drop(gate);
    let (status, _child) = within(
        PATIENCE,
        &format!("{C4}: join_timeout(1 hour) on a child that exits when released"),
        "join_timeout was asleep when the child ended, and did not return: \
         does it sleep for the whole timeout? Wake up when the child ends \
         (poll on a pidfd), or look again every millisecond or so",
        move || {
            waiter
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        },
    );
    assert_eq!(
        status.unwrap_or_else(|e| panic!("{C4}: join_timeout failed: {e}")),
        Some(ExitStatus::Exited(7)),
        "{C4}: the released child exits with 7"
    );
}

#[test]
fn a_handled_signal_during_the_wait_does_not_end_it() {
    let _clean = testkit::process_scope();
    let (child, gate) = start_gated_child();
    // Three signals while join_timeout(1 hour) sleeps in its wait, each one
    // making that wait fail with EINTR; then the child is released.
    let outcome = support::interrupt::interrupted_thrice(
        PATIENCE,
        move || {
            let mut child = child;
            let status = join_timeout(&mut child, Duration::from_secs(3600));
            (status.map_err(|e| e.to_string()), child)
        },
        move || {
            // Fails (EPIPE) only if the child is gone already: the verdict
            // comes from what join_timeout returned.
            let _ = write(&gate, b"x");
        },
    );
    let (status, _child) = outcome.unwrap_or_else(|failure| match failure {
        Failure::Busy(why) => panic!("{C5}: join_timeout(1 hour): {why}"),
        Failure::Other(why) => panic!(
            "{C6}: join_timeout(1 hour) and a handled signal during its wait: {why}. A wait \
             that fails with EINTR (ErrorKind::Interrupted) has not seen the child end: wait \
             again, for the time that is left"
        ),
    });
    assert_eq!(
        status,
        Ok(Some(ExitStatus::Exited(7))),
        "{C6}: after three signals the released child exits with 7, and join_timeout says so"
    );
}
