//! Tests of the `work_queue` exercise.
//!
//! When `run` does not return in time, the test looks at what the children
//! are doing (`/proc/<pid>/syscall`) to name the mistake: consumers still
//! waiting to read never saw the end of the queue; children that have all
//! exited while `run` still waits mean `run` waits for something that the
//! children can no longer send.
//!
//! Deadline: a correct run takes milliseconds; [`STUCK`] (4 s) tells "never"
//! from "slow" on a loaded machine, and after one time-out the others in the
//! binary are shorter (see `support`), so a wrong solution fails within 10 s.

use testkit::stuck as support;

use queues::exercises::work_queue::run;
use std::collections::BTreeSet;
use support::{Doing, STUCK};

const ONCE: &str = "clause 1 (every item delivered exactly once, each producer's in order)";
const END: &str = "clause 2 (the queue ends when no process holds a work Sender: no sentinels)";
const JOINED: &str = "clause 3 (every child joined, failures reported, no wait for ever)";
const FAILED: &str = "clause 4 (a failed or killed child is an error, never a wait for ever)";

/// Runs `run` under the deadline; on time-out, fails with a message that
/// names what the children are stuck on.
fn run_or_diagnose(
    producers: usize,
    each: u64,
    consumers: usize,
) -> std::io::Result<Vec<Vec<u64>>> {
    let outcome = support::finish_or_snapshot(STUCK, move || run(producers, each, consumers));
    let children = match outcome {
        Ok(result) => {
            let joined =
                testkit::panics::catch_quietly(|| support::assert_every_child_joined("run"));
            if let Err(message) = joined {
                panic!("{JOINED}: {message}");
            }
            return result;
        }
        Err(children) => children,
    };
    let waiting =
        support::count(&children, Doing::Reading) + support::count(&children, Doing::Locking);
    if waiting > 0 {
        support::hung(format!(
            "{END}: deadlock: the consumers never saw the end of the queue ({waiting} child(ren) still \
             wait in recv). Some process still holds a Sender of the work queue: fork copies every \
             descriptor the parent holds, so drop the parent's last work Sender before forking \
             the consumers"
        ));
    }
    if !children.is_empty() && support::count(&children, Doing::Exited) == children.len() {
        support::hung(format!(
            "{JOINED}: every child has exited but run never returned: it waits for something no \
             child can send any more. If it reads reports until the report queue ends, that end \
             needs every copy of its Sender gone, the parent's own included: read exactly one \
             report per consumer instead"
        ));
    }
    support::hung(format!(
        "{JOINED}: run did not return within {STUCK:?}; its children: {children:?}"
    ));
}

fn check(producers: usize, each: u64, consumers: usize) {
    let _clean = testkit::process_scope();
    let reports = run_or_diagnose(producers, each, consumers)
        .unwrap_or_else(|e| panic!("{JOINED}: run failed although no child should: {e}"));
    assert_eq!(reports.len(), consumers, "{ONCE}: one report per consumer");
    let all: Vec<u64> = reports.iter().flatten().copied().collect();
    let distinct: BTreeSet<u64> = all.iter().copied().collect();
    assert_eq!(
        all.len(),
        distinct.len(),
        "{ONCE}: some item was delivered twice"
    );
    let expected: BTreeSet<u64> = (0..producers as u64 * each).collect();
    let missing: Vec<_> = expected.difference(&distinct).take(5).collect();
    assert!(
        missing.is_empty(),
        "{ONCE}: items never delivered, for example {missing:?}"
    );
    assert_eq!(
        distinct, expected,
        "{ONCE}: items that no producer sent were delivered"
    );
    // One pipe, read under a lock: each consumer sees each producer's items
    // in the order that producer sent them.
    for (c, report) in reports.iter().enumerate() {
        for p in 0..producers as u64 {
            let mine: Vec<u64> = report.iter().copied().filter(|n| n / each == p).collect();
            assert!(
                mine.is_sorted(),
                "{ONCE}: consumer {c} got producer {p}'s items out of order: {mine:?}"
            );
        }
    }
}

#[test]
fn one_producer_one_consumer() {
    check(1, 10, 1);
}

#[test]
fn three_producers_three_consumers_every_item_exactly_once() {
    check(3, 300, 3);
}

#[test]
fn more_producers_than_consumers() {
    check(5, 200, 2);
}

#[test]
fn no_items_at_all_still_ends() {
    check(2, 0, 3);
}

#[test]
fn more_than_a_pipe_buffer_of_items() {
    // 3 x 5 000 items of 8 to 9 bytes of frame each: some 130 KiB, twice
    // what a pipe holds, so producers block until consumers take.
    check(3, 5_000, 2);
}

#[test]
fn more_children_than_cores() {
    // 64 consumers and 8 producers on a machine of a few cores.
    check(8, 100, 64);
}

/// Starts a thread that waits until `run` has `children` live children,
/// then kills the one `pick` chooses among their pids (sorted: the first
/// forked first) with SIGKILL. Gives the pid killed, or `None` if the
/// children never all appeared.
fn kill_a_child(children: usize, pick: fn(&[i32]) -> i32) -> std::thread::JoinHandle<Option<i32>> {
    std::thread::spawn(move || {
        let give_up = std::time::Instant::now() + STUCK;
        while std::time::Instant::now() < give_up {
            let mut live: Vec<i32> = support::children()
                .iter()
                .filter(|c| c.doing != Doing::Exited)
                .map(|c| c.pid)
                .collect();
            if live.len() >= children {
                live.sort_unstable();
                let pid = pick(&live);
                let pid_t = nix::unistd::Pid::from_raw(pid);
                nix::sys::signal::kill(pid_t, nix::sys::signal::Signal::SIGKILL).ok()?;
                return Some(pid);
            }
            // Sampling /proc for the children to appear, not synchronising.
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        None
    })
}

/// One producer with far more items than `run` can move before the test
/// kills a child, one consumer; `pick` chooses which child dies.
fn a_killed_child_fails_the_run(pick: fn(&[i32]) -> i32, who: &str) {
    let _clean = testkit::process_scope();
    // The contract's first clauses first, with their own diagnosis: a run
    // that cannot even end without a fault would fail here for that reason.
    run_or_diagnose(1, 10, 1)
        .unwrap_or_else(|e| panic!("{JOINED}: run failed although no child should: {e}"));
    let killer = kill_a_child(2, pick);
    let outcome = support::finish_or_snapshot(STUCK, || run(1, 10_000_000, 1));
    let killed = killer.join().expect("the killer thread panicked");
    let Some(pid) = killed else {
        panic!(
            "{FAILED}: run never had two children running at once (one producer, one consumer). \
             Does it wait for the producers before it starts the consumers? With more items than \
             the queue holds, a producer never finishes while nobody takes them"
        );
    };
    let result = match outcome {
        Ok(result) => result,
        Err(children) => {
            let hint = if support::count(&children, Doing::Writing) > 0 {
                "a producer is still blocked writing to a queue that nobody reads any more: it \
                 holds a copy of the queue's read end (inherited at its fork), so it never gets \
                 EPIPE. Once a consumer is missing, kill the children still running, then join them"
            } else if support::count(&children, Doing::Exited) == children.len() {
                "every child has exited but run still waits: for reports no child can send \
                 any more? Stop at the end of the report queue, or read one per consumer"
            } else {
                "look at what run waits for once a child is gone"
            };
            support::hung(format!(
                "{FAILED}: the test killed {who} (pid {pid}) with SIGKILL and run never \
                 returned; its children: {children:?}. {hint}"
            ))
        }
    };
    if let Err(message) =
        testkit::panics::catch_quietly(|| support::assert_every_child_joined("run"))
    {
        panic!("{FAILED}: {message}");
    }
    match result {
        Err(_) => {}
        Ok(reports) => panic!(
            "{FAILED}: the test killed {who} (pid {pid}) with SIGKILL, yet run returned Ok with \
             {} report(s). A child killed by a signal has failed: look at how you judge each \
             joined child's status (an exit code of 0 is success; a signal never is)",
            reports.len()
        ),
    }
}

#[test]
fn a_producer_killed_by_a_signal_makes_run_fail() {
    a_killed_child_fails_the_run(|pids| pids[0], "the first child forked");
}

#[test]
fn a_consumer_killed_before_reporting_makes_run_fail_instead_of_waiting() {
    a_killed_child_fails_the_run(|pids| pids[pids.len() - 1], "the last child forked");
}
