//! Exercise 2: `start_and_reap`.

use std::collections::HashSet;
use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

use nix::sys::resource::{Resource, setrlimit};
use nix::sys::wait::{Id, WaitPidFlag, waitid};
use nix::unistd::{Pid, pipe, read, write};
use processes::demos::api::{proc_state, start_sleeper};
use processes::demos::process::{ExitStatus, Process};
use processes::exercises::reaper::{Body, Reaped, start_and_reap};
use testkit::watch::{Waiting, spawn_watched};
use testkit::within;

/// How long reaping children that end at once may take before the test
/// calls it stuck: a hundred times what it takes on a loaded machine, short
/// enough that a wrong solution fails the whole file within 10 s.
const PATIENCE: Duration = Duration::from_secs(3);

const C1: &str = "clause 1 (every child once, with its own status)";
const C2: &str = "clause 2 (in the order they end)";
const C3: &str = "clause 3 (its own children only)";
const C4: &str = "clause 4 (sleeps while its children run)";
const C5: &str = "clause 5 (no bodies, nothing to wait for)";
const C6: &str = "clause 6 (no child left behind)";
const C7: &str = "clause 7 (a signal does not end the wait)";

mod support {
    pub mod interrupt;
    pub mod seccomp;
}

/// Runs `start_and_reap` on bodies that only compute, read or write a pipe
/// byte, or abort: all allowed in a forked child.
fn reap(clause: &str, bodies: Vec<Body>, on_reaped: impl FnMut(&Reaped)) -> Vec<Reaped> {
    // SAFETY: every body of these tests returns a number, reads a byte from
    // a pipe, reads a /proc file (open, read, allocation: glibc's malloc
    // survives fork) and yields, or calls setrlimit(2) and abort(3): system
    // calls and plain computation, no lock that another thread could hold.
    unsafe { start_and_reap(bodies, on_reaped) }
        .unwrap_or_else(|e| panic!("{clause}: start_and_reap failed: {e}"))
}

#[test]
fn reports_every_child_once_with_its_own_code() {
    let _clean = testkit::process_scope();
    let (reaped, seen) = within(
        PATIENCE,
        &format!("{C1}: reaping five children"),
        "a child was never reaped: does the loop stop early, or wait for a child that is already reaped?",
        || {
            let bodies: Vec<Body> = (0..5).map(|i| Box::new(move || 10 + i) as Body).collect();
            let mut seen = Vec::new();
            let reaped = reap(C1, bodies, |r| seen.push(*r));
            (reaped, seen)
        },
    );
    assert_eq!(
        reaped.len(),
        5,
        "{C1}: five children started, five reported; got {reaped:?}"
    );
    assert_eq!(
        seen, reaped,
        "{C1}: on_reaped must see each child once, in the same order as the list returned"
    );
    let mut by_index = reaped.clone();
    by_index.sort_by_key(|r| r.index);
    for (i, r) in by_index.iter().enumerate() {
        assert_eq!(
            r.index, i,
            "{C1}: every index from 0 to 4 appears once: {reaped:?}"
        );
        assert_eq!(
            r.status,
            ExitStatus::Exited(10 + i as i32),
            "{C1}: child {i} returned {}",
            10 + i
        );
        assert_eq!(
            proc_state(r.pid),
            None,
            "{C1}: child {i} (pid {}) was reported but is still in the process table",
            r.pid
        );
    }
    let pids: HashSet<i32> = reaped.iter().map(|r| r.pid).collect();
    assert_eq!(
        pids.len(),
        5,
        "{C1}: five children, five different pids: {reaped:?}"
    );
    assert!(
        !pids.contains(&(std::process::id() as i32)),
        "{C1}: a child's pid is not the parent's"
    );
}

#[test]
fn reports_children_in_the_order_they_end() {
    let _clean = testkit::process_scope();
    const END_ORDER: [usize; 4] = [2, 0, 3, 1];
    let order = within(
        PATIENCE,
        &format!("{C2}: reaping four children released one by one"),
        "deadlock: child 2 was released first, and its report (on_reaped) releases the next. \
         Does start_and_reap wait for the children in start order (child 0 first)? Or call \
         on_reaped only at the end, after all are reaped? Reap and report each child as it ends",
        || {
            let mut gates_in: Vec<Option<OwnedFd>> = Vec::new();
            let mut bodies: Vec<Body> = Vec::new();
            for i in 0..4 {
                let (gate_out, gate_in) = pipe().expect("pipe failed");
                gates_in.push(Some(gate_in));
                // Child i waits for one byte on its pipe, then exits with 20 + i.
                bodies.push(Box::new(move || {
                    let mut byte = [0u8; 1];
                    match read(&gate_out, &mut byte) {
                        Ok(1) => 20 + i,
                        _ => 1,
                    }
                }));
            }
            let mut release = |i: usize| {
                let gate = gates_in[i].take().expect("each child is released once");
                write(&gate, b"x").expect("could not release a child");
            };
            // Release the first; each time one is reaped, release the next. So
            // the end order is known only to the test.
            release(END_ORDER[0]);
            let mut next = 1;
            let reaped = reap(C2, bodies, |_| {
                if next < END_ORDER.len() {
                    release(END_ORDER[next]);
                    next += 1;
                }
            });
            reaped
                .iter()
                .map(|r| {
                    assert_eq!(
                        r.status,
                        ExitStatus::Exited(20 + r.index as i32),
                        "{C2}: child {} exits with {}",
                        r.index,
                        20 + r.index
                    );
                    r.index
                })
                .collect::<Vec<_>>()
        },
    );
    assert_eq!(
        order, END_ORDER,
        "{C2}: children must be reported in the order they ended ({END_ORDER:?}), not the order they were started"
    );
}

#[test]
fn reports_a_death_by_signal() {
    let _clean = testkit::process_scope();
    let reaped: Vec<Reaped> = within(
        PATIENCE,
        &format!("{C1}: reaping a crashed child"),
        "the crashed child was never reaped",
        || {
            let bodies: Vec<Body> = vec![
                Box::new(|| 0),
                Box::new(|| {
                    let _ = setrlimit(Resource::RLIMIT_CORE, 0, 0); // no core file
                    std::process::abort()
                }),
            ];
            reap(C1, bodies, |_| {})
        },
    );
    let status_of = |index| reaped.iter().find(|r| r.index == index).map(|r| r.status);
    assert_eq!(
        status_of(0),
        Some(ExitStatus::Exited(0)),
        "{C1}: child 0 returned 0; got {reaped:?}"
    );
    assert_eq!(
        status_of(1),
        Some(ExitStatus::Signaled(6)),
        "{C1}: child 1 aborted: SIGABRT (6), a death by signal, never an exit code; got {reaped:?}"
    );
}

#[test]
fn no_children_means_nothing_to_wait_for() {
    let _clean = testkit::process_scope();
    let reaped = within(
        PATIENCE,
        &format!("{C5}: start_and_reap with no children"),
        "with no children there is nothing to wait for: waitpid(-1) would fail with ECHILD, or block",
        || reap(C5, Vec::new(), |_| panic!("{C5}: no child, no report")),
    );
    assert!(reaped.is_empty(), "{C5}: no bodies, no reports: {reaped:?}");
}

// ANCHOR: no_stealing
#[test]
fn reaper_does_not_steal_unrelated_children() {
    let _clean = testkit::process_scope();
    // Two children that start_and_reap did not start: one has already
    // exited (a zombie whose status is waiting for its owner), one runs.
    // SAFETY: the child only returns 42.
    let mut exited = unsafe { Process::start(|| 42) }.expect("fork failed");
    waitid(
        Id::Pid(Pid::from_raw(exited.pid())),
        WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT,
    )
    .expect("waitid(WNOWAIT) failed");
    let mut running = start_sleeper().expect("fork failed");
    let (exited_pid, running_pid) = (exited.pid(), running.pid());

    let reaped = within(
        PATIENCE,
        &format!("{C3}: reaping three children while two unrelated children exist"),
        "start_and_reap never returned: it waits for any child (waitpid(-1) until ECHILD?), \
         and a child it did not start is still running. Wait only for your own children",
        move || {
            // The children wait (at most 300 ms) for the unrelated zombie to
            // disappear: until they exit, it is the only child anyone can
            // reap, so a reaper that reaps "any child" takes it first.
            let bodies: Vec<Body> = (0..3)
                .map(|i| {
                    Box::new(move || {
                        let give_up_at = Instant::now() + Duration::from_millis(300);
                        while proc_state(exited_pid).is_some() && Instant::now() < give_up_at {
                            std::thread::yield_now();
                        }
                        i
                    }) as Body
                })
                .collect();
            reap(C3, bodies, |_| {})
        },
    );
    let stolen = proc_state(exited_pid).is_none();
    running.kill().expect("kill failed");
    // cannot block: SIGKILL cannot be caught
    running.join().expect("join failed");
    assert!(
        !stolen,
        "{C3}: start_and_reap reaped a child it did not start (pid {exited_pid}, exit code 42): \
         its owner can no longer get its status. Wait only for your own children \
         (a pidfd per child, or waitpid on their pids), never waitpid(-1)"
    );
    // cannot block: waitid(WNOWAIT) saw it exit; at worst it was reaped
    // by someone else, and join fails at once with ECHILD
    assert_eq!(
        exited
            .join()
            .expect("the owner could not join its own child"),
        ExitStatus::Exited(42),
        "{C3}: the unrelated child's status belongs to its owner"
    );
    assert!(
        reaped
            .iter()
            .all(|r| r.pid != exited_pid && r.pid != running_pid),
        "{C3}: start_and_reap reported a child it did not start: {reaped:?}"
    );
    let mut indexes: Vec<usize> = reaped.iter().map(|r| r.index).collect();
    indexes.sort_unstable();
    assert_eq!(
        indexes,
        [0, 1, 2],
        "{C3}: each of the three children once: {reaped:?}"
    );
}
// ANCHOR_END: no_stealing

#[test]
fn the_reaper_sleeps_while_its_children_run() {
    let _clean = testkit::process_scope();
    let (gate_out, gate_in) = pipe().expect("pipe failed");
    // The reaper runs on a thread the test watches through /proc; its one
    // child waits for a byte that the test writes only after it has seen how
    // the reaper waits: in a wait the child's end ends (poll on a pidfd,
    // waitpid), not in a loop.
    let reaper = spawn_watched("reaper", move || {
        let bodies: Vec<Body> = vec![Box::new(move || {
            let mut byte = [0u8; 1];
            match read(&gate_out, &mut byte) {
                Ok(1) => 0,
                _ => 1,
            }
        })];
        reap(C4, bodies, |_| {})
    });
    let waiting = reaper.until_blocked();
    // Release the child whatever the reaper did, so that it ends with the test.
    write(&gate_in, b"x").expect("could not release the child");
    let outcome = reaper.join_within(PATIENCE);
    let advice = "Block until a child ends (poll on pidfds, or waitpid on one pid) instead of \
                  checking again and again";
    match waiting {
        Waiting::Blocked(_) => {}
        Waiting::Spinning(cpu) => panic!(
            "{C4}: busy-waiting: start_and_reap used {cpu:?} of CPU time while its only child ran. \
             {advice}"
        ),
        Waiting::Polling(wakeups) => panic!(
            "{C4}: start_and_reap polls: while its only child ran, it slept in thread::sleep (or woke \
             up {wakeups} times) and looked again. However short the sleep, a child's end \
             cannot wake it. {advice}"
        ),
        Waiting::NeverSlept(cpu) => panic!(
            "{C4}: start_and_reap never went to sleep while its only child ran (it used {cpu:?} of \
             CPU time). {advice}"
        ),
        Waiting::Returned => match &outcome {
            Some(Err(message)) => panic!("{C4}: start_and_reap panicked: {message}"),
            _ => panic!(
                "{C4}: start_and_reap returned while its only child was still running, waiting for \
                 a byte: it must wait until every child it started has ended"
            ),
        },
    }
    let reaped = match outcome {
        Some(Ok(reaped)) => reaped,
        Some(Err(message)) => panic!("{C4}: start_and_reap panicked: {message}"),
        None => panic!(
            "{C4}: the child was released but never reaped within {PATIENCE:?}: start_and_reap \
             still waits"
        ),
    };
    assert_eq!(reaped.len(), 1, "{C4}: one child, one report: {reaped:?}");
    assert_eq!(
        reaped[0].status,
        ExitStatus::Exited(0),
        "{C4}: the released child read its byte and exited with 0: {reaped:?}"
    );
}

/// What the middle child of [`an_error_leaves_no_child_behind`] returns.
mod middle {
    /// start_and_reap left no child behind (after an error, or after
    /// reaping all three some way that needs no pidfd).
    pub const CLEAN: i32 = 0;
    /// A child of start_and_reap was still there, running or a zombie.
    pub const LEFT_BEHIND: i32 = 1;
    /// The test could not install its seccomp filter.
    pub const NO_FILTER: i32 = 90;
}

/// The middle child: refuses pidfd_open (EPERM, as a container's seccomp
/// profile may), runs start_and_reap, then looks for children left.
fn start_and_reap_without_pidfds() -> i32 {
    use nix::libc;
    if support::seccomp::refuse_with_eperm(libc::SYS_pidfd_open).is_err() {
        return middle::NO_FILTER;
    }
    // Child 0 ends at once; 1 and 2 wait for end-of-file on a gate that
    // on_reaped closes, so a reaper that needs no pidfd still finishes.
    let Ok((gate_out, gate_in)) = pipe() else {
        return 91;
    };
    let gate_in_fd = std::os::fd::AsRawFd::as_raw_fd(&gate_in);
    let gate_out = std::sync::Arc::new(gate_out);
    let mut bodies: Vec<Body> = vec![Box::new(|| 0)];
    for _ in 0..2 {
        let gate_out = gate_out.clone();
        bodies.push(Box::new(move || {
            // SAFETY: close(2) on the number of the write end that fork
            // copied into this child, which no value of the child owns.
            unsafe { libc::close(gate_in_fd) };
            let mut byte = [0u8; 1];
            match read(&*gate_out, &mut byte) {
                Ok(0) => 0,
                _ => 1,
            }
        }));
    }
    let mut gate_in = Some(gate_in);
    // SAFETY: the bodies return a number, or close(2) and read(2) a pipe.
    let _ = unsafe { start_and_reap(bodies, |_| drop(gate_in.take())) };
    drop(gate_in);
    match nix::sys::wait::waitpid(None, Some(WaitPidFlag::WNOHANG)) {
        Err(nix::errno::Errno::ECHILD) => middle::CLEAN,
        _ => middle::LEFT_BEHIND,
    }
}

#[test]
fn an_error_leaves_no_child_behind() {
    let _clean = testkit::process_scope();
    // SAFETY: the middle child makes system calls (prctl, seccomp, pipe,
    // fork, close, read, waitpid) and allocates (glibc's malloc survives
    // fork), and runs start_and_reap, whose bodies are as above.
    let mut child = unsafe { Process::start(start_and_reap_without_pidfds) }.expect("fork failed");
    let status = within(
        PATIENCE,
        &format!("{C6}: start_and_reap in a child where pidfd_open fails with EPERM"),
        "start_and_reap never returned where pidfd_open is refused: it must return the error \
         (or do without pidfds), not wait",
        move || child.join().expect("join failed"),
    );
    match status {
        ExitStatus::Exited(middle::CLEAN) => {}
        ExitStatus::Exited(middle::LEFT_BEHIND) => panic!(
            "{C6}: start_and_reap returned where pidfd_open fails (EPERM) and left a child it \
             started behind, running or unreaped: on an error, kill and join every child \
             already started before returning it"
        ),
        ExitStatus::Exited(middle::NO_FILTER) => panic!(
            "{C6}: the test could not install its seccomp filter (prctl or seccomp failed): \
             it needs a kernel with CONFIG_SECCOMP_FILTER"
        ),
        other => panic!("{C6}: the child that ran start_and_reap {other} (expected exit code 0)"),
    }
}

#[test]
fn a_handled_signal_during_the_wait_does_not_end_it() {
    let _clean = testkit::process_scope();
    let (gate_out, gate_in) = pipe().expect("pipe failed");
    let outcome = support::interrupt::interrupted_thrice(
        PATIENCE,
        move || {
            let bodies: Vec<Body> = vec![Box::new(move || {
                let mut byte = [0u8; 1];
                match read(&gate_out, &mut byte) {
                    Ok(1) => 4,
                    _ => 1,
                }
            })];
            // SAFETY: the body reads a byte from a pipe with read(2).
            unsafe { start_and_reap(bodies, |_| {}) }.map_err(|e| e.to_string())
        },
        move || {
            // Fails (EPIPE) only if the child is gone already: the verdict
            // comes from what start_and_reap returned.
            let _ = write(&gate_in, b"x");
        },
    );
    let reaped = outcome.unwrap_or_else(|failure| match failure {
        support::interrupt::Failure::Busy(why) => panic!("{C4}: start_and_reap: {why}"),
        support::interrupt::Failure::Other(why) => panic!(
            "{C7}: start_and_reap and a handled signal while it waits for its child: {why}. A \
             wait that fails with EINTR (ErrorKind::Interrupted) has not seen a child end: wait \
             again"
        ),
    });
    let reaped = reaped.unwrap_or_else(|e| panic!("{C7}: start_and_reap failed: {e}"));
    assert_eq!(
        reaped.iter().map(|r| r.status).collect::<Vec<_>>(),
        [ExitStatus::Exited(4)],
        "{C7}: one child, released after three signals, exits with 4: {reaped:?}"
    );
}
