//! Exercise 2: `start_and_reap`.

use std::collections::HashSet;
use std::os::fd::OwnedFd;

use nix::sys::resource::{Resource, setrlimit};
use nix::unistd::{pipe, read, write};
use processes::demos::api::proc_state;
use processes::demos::process::ExitStatus;
use processes::exercises::reaper::{Body, Reaped, start_and_reap};
use testkit::{DEADLINE, within};

#[test]
fn reports_every_child_once_with_its_own_code() {
    let _clean = testkit::process_scope();
    let (reaped, seen) = within(
        DEADLINE,
        "reaping five children",
        "a child was never reaped: does the loop stop early, or wait for a child that is already reaped?",
        || {
            let bodies: Vec<Body> = (0..5).map(|i| Box::new(move || 10 + i) as Body).collect();
            let mut seen = Vec::new();
            let reaped = start_and_reap(bodies, |r| seen.push(*r)).expect("start_and_reap failed");
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
        DEADLINE,
        "reaping four children released one by one",
        "deadlock: a child was released but never reaped, or on_reaped was not called as each child was reaped",
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
            let reaped = start_and_reap(bodies, |_| {
                if next < END_ORDER.len() {
                    release(END_ORDER[next]);
                    next += 1;
                }
            })
            .expect("start_and_reap failed");
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
        DEADLINE,
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
            start_and_reap(bodies, |_| {}).expect("start_and_reap failed")
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
        DEADLINE,
        "start_and_reap with no children",
        "with no children there is nothing to wait for: waitpid(-1) would fail with ECHILD, or block",
        || {
            start_and_reap(Vec::new(), |_| panic!("no child, no report"))
                .expect("an empty list is not an error")
        },
    );
    assert!(reaped.is_empty());
}
