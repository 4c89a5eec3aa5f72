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

/// Runs `start_and_reap` on bodies that only compute, read or write a pipe
/// byte, or abort: all allowed in a forked child.
fn reap(bodies: Vec<Body>, on_reaped: impl FnMut(&Reaped)) -> Vec<Reaped> {
    // SAFETY: every body of these tests returns a number, reads a byte from
    // a pipe, reads a /proc file (open, read, allocation: glibc's malloc
    // survives fork) and yields, or calls setrlimit(2) and abort(3): system
    // calls and plain computation, no lock that another thread could hold.
    unsafe { start_and_reap(bodies, on_reaped) }.expect("start_and_reap failed")
}

#[test]
fn reports_every_child_once_with_its_own_code() {
    let _clean = testkit::process_scope();
    let (reaped, seen) = within(
        PATIENCE,
        "reaping five children",
        "a child was never reaped: does the loop stop early, or wait for a child that is already reaped?",
        || {
            let bodies: Vec<Body> = (0..5).map(|i| Box::new(move || 10 + i) as Body).collect();
            let mut seen = Vec::new();
            let reaped = reap(bodies, |r| seen.push(*r));
            (reaped, seen)
        },
    );
    assert_eq!(
        reaped.len(),
        5,
        "five children started, five reported; got {reaped:?}"
    );
    assert_eq!(
        seen, reaped,
        "on_reaped must see each child once, in the same order as the list returned"
    );
    let mut by_index = reaped.clone();
    by_index.sort_by_key(|r| r.index);
    for (i, r) in by_index.iter().enumerate() {
        assert_eq!(
            r.index, i,
            "every index from 0 to 4 appears once: {reaped:?}"
        );
        assert_eq!(
            r.status,
            ExitStatus::Exited(10 + i as i32),
            "child {i} returned {}",
            10 + i
        );
        assert_eq!(
            proc_state(r.pid),
            None,
            "child {i} (pid {}) was reported but is still in the process table",
            r.pid
        );
    }
    let pids: HashSet<i32> = reaped.iter().map(|r| r.pid).collect();
    assert_eq!(
        pids.len(),
        5,
        "five children, five different pids: {reaped:?}"
    );
    assert!(
        !pids.contains(&(std::process::id() as i32)),
        "a child's pid is not the parent's"
    );
}

#[test]
fn reports_children_in_the_order_they_end() {
    let _clean = testkit::process_scope();
    const END_ORDER: [usize; 4] = [2, 0, 3, 1];
    let order = within(
        PATIENCE,
        "reaping four children released one by one",
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
            let reaped = reap(bodies, |_| {
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
                        "child {} exits with {}",
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
        "children must be reported in the order they ended ({END_ORDER:?}), not the order they were started"
    );
}

#[test]
fn reports_a_death_by_signal() {
    let _clean = testkit::process_scope();
    let reaped: Vec<Reaped> = within(
        PATIENCE,
        "reaping a crashed child",
        "the crashed child was never reaped",
        || {
            let bodies: Vec<Body> = vec![
                Box::new(|| 0),
                Box::new(|| {
                    let _ = setrlimit(Resource::RLIMIT_CORE, 0, 0); // no core file
                    std::process::abort()
                }),
            ];
            reap(bodies, |_| {})
        },
    );
    let status_of = |index| reaped.iter().find(|r| r.index == index).map(|r| r.status);
    assert_eq!(status_of(0), Some(ExitStatus::Exited(0)));
    assert_eq!(
        status_of(1),
        Some(ExitStatus::Signaled(6)),
        "child 1 aborted: SIGABRT (6); got {reaped:?}"
    );
}

#[test]
fn no_children_means_nothing_to_wait_for() {
    let _clean = testkit::process_scope();
    let reaped = within(
        PATIENCE,
        "start_and_reap with no children",
        "with no children there is nothing to wait for: waitpid(-1) would fail with ECHILD, or block",
        || reap(Vec::new(), |_| panic!("no child, no report")),
    );
    assert!(reaped.is_empty());
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
        "reaping three children while two unrelated children exist",
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
            reap(bodies, |_| {})
        },
    );
    let stolen = proc_state(exited_pid).is_none();
    running.kill().expect("kill failed");
    running.join().expect("join failed");
    assert!(
        !stolen,
        "start_and_reap reaped a child it did not start (pid {exited_pid}, exit code 42): \
         its owner can no longer get its status. Wait only for your own children \
         (a pidfd per child, or waitpid on their pids), never waitpid(-1)"
    );
    assert_eq!(
        exited
            .join()
            .expect("the owner could not join its own child"),
        ExitStatus::Exited(42),
        "the unrelated child's status belongs to its owner"
    );
    assert!(
        reaped
            .iter()
            .all(|r| r.pid != exited_pid && r.pid != running_pid),
        "start_and_reap reported a child it did not start: {reaped:?}"
    );
    let mut indexes: Vec<usize> = reaped.iter().map(|r| r.index).collect();
    indexes.sort_unstable();
    assert_eq!(
        indexes,
        [0, 1, 2],
        "each of the three children once: {reaped:?}"
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
        reap(bodies, |_| {})
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
            "busy-waiting: start_and_reap used {cpu:?} of CPU time while its only child ran. \
             {advice}"
        ),
        Waiting::Polling(wakeups) => panic!(
            "start_and_reap polls: while its only child ran, it slept in thread::sleep (or woke \
             up {wakeups} times) and looked again. However short the sleep, a child's end \
             cannot wake it. {advice}"
        ),
        Waiting::NeverSlept(cpu) => panic!(
            "start_and_reap never went to sleep while its only child ran (it used {cpu:?} of \
             CPU time). {advice}"
        ),
        Waiting::Returned => match &outcome {
            Some(Err(message)) => panic!("start_and_reap panicked: {message}"),
            _ => panic!(
                "start_and_reap returned while its only child was still running, waiting for \
                 a byte: it must wait until every child it started has ended"
            ),
        },
    }
    let reaped = match outcome {
        Some(Ok(reaped)) => reaped,
        Some(Err(message)) => panic!("start_and_reap panicked: {message}"),
        None => panic!(
            "the child was released but never reaped within {PATIENCE:?}: start_and_reap \
             still waits"
        ),
    };
    assert_eq!(reaped.len(), 1, "one child, one report: {reaped:?}");
    assert_eq!(
        reaped[0].status,
        ExitStatus::Exited(0),
        "the released child read its byte and exited with 0: {reaped:?}"
    );
}
