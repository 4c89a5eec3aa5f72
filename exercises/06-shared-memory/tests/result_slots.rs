//! Exercise `result_slots`: each child writes its result into its own slot of
//! a shared array; the parent reads the slots after joining.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use processes::demos::api::proc_state;
use shared_memory::demos::region::{SharedSlice, SharedValue};
use shared_memory::demos::start_line::StartLine;
use shared_memory::exercises::result_slots::compute_in_children;
use testkit::within;

/// How long a call that forks a few children may take before the test calls
/// it stuck: far more than it takes on a loaded machine, short enough that a
/// wrong solution fails the whole file within 10 s.
const PATIENCE: Duration = Duration::from_secs(3);

/// How long a child waits for its siblings, or for its parent to join.
const WAIT_IN_CHILD: Duration = Duration::from_secs(2);

const LIKELY: &str = "a child never exited, or the parent waits for something that never \
                      comes: join every child once, and only after starting them all";

/// Where a child finds its parent, to wait until the parent's thread
/// sleeps (in `join`) before it writes its slot.
struct Parent {
    pid: u32,
    tid: i32,
}

impl Parent {
    /// Records the calling thread as the one that will fork and join.
    fn here() -> Parent {
        Parent {
            pid: std::process::id(),
            tid: nix::unistd::gettid().as_raw(),
        }
    }

    /// In a child: waits until the parent's thread is asleep ('S' in its
    /// /proc stat), which it is once it waits in `join`, and not while it
    /// forks or reads. So a parent that reads the slots before joining reads
    /// them before any child has written. Gives up after `WAIT_IN_CHILD`.
    /// Returns at once when called in the parent itself.
    fn wait_until_joining(&self) {
        if std::process::id() == self.pid {
            return; // `work` runs in the parent: nothing to wait for
        }
        let thread = testkit::proc::Task::thread_of(self.pid, self.tid as u32);
        let give_up_at = Instant::now() + WAIT_IN_CHILD;
        while Instant::now() < give_up_at {
            if thread.stat().map(|stat| stat.state) == Some('S') {
                return;
            }
            std::thread::yield_now();
        }
    }
}

#[test]
fn results_come_back_in_slot_order() {
    let _clean = testkit::process_scope();
    let results =
        within(
            PATIENCE,
            "clause 1 (results in slot order, read after joining): compute_in_children",
            LIKELY,
            || {
                let parent = Parent::here();
                // SAFETY: the work reads a /proc file (open, read, allocation:
                // glibc's malloc survives fork), yields, and computes.
                unsafe {
            compute_in_children(6, |i| {
                parent.wait_until_joining();
                (i as u64 + 1).pow(2)
            })
        }
        .expect("clause 1 (results in slot order, read after joining): compute_in_children failed")
            },
        );
    assert_eq!(
        results,
        vec![1, 4, 9, 16, 25, 36],
        "clause 1 (results in slot order, read after joining): slot i should hold work(i) = (i + 1)^2. A 0 is a slot nobody had written yet: \
         were the slots read before joining the children? The children wrote only once \
         the parent was waiting in join"
    );
}

#[test]
fn no_children_no_results() {
    let _clean = testkit::process_scope();
    let results = within(
        PATIENCE,
        "clause 2 (n = 0 gives no results): compute_in_children(0, ..)",
        LIKELY,
        || {
            // SAFETY: the work only returns 1.
            unsafe { compute_in_children(0, |_| 1) }.expect("compute_in_children(0, ..) failed")
        },
    );
    assert!(
        results.is_empty(),
        "clause 2 (n = 0 gives no results): n = 0 should give no results, got {results:?}"
    );
}

#[test]
fn each_result_is_computed_in_a_child_of_its_own() {
    let _clean = testkit::process_scope();
    let parent_pid = u64::from(std::process::id());
    let pids = within(
        PATIENCE,
        "clause 3 (each work(i) in a child of its own): compute_in_children",
        LIKELY,
        || {
            let parent = Parent::here();
            // SAFETY: the work reads a /proc file (open, read, allocation),
            // yields, and calls getpid.
            unsafe {
                compute_in_children(5, |_| {
                    parent.wait_until_joining();
                    u64::from(std::process::id())
                })
            }
            .expect("clause 3 (each work(i): compute_in_children failed")
        },
    );
    assert!(
        !pids.contains(&parent_pid),
        "clause 3 (each work(i) in a child of its own): work ran in the parent (pid {parent_pid}): {pids:?}; call it in the child, after fork"
    );
    assert!(
        !pids.contains(&0),
        "clause 1 (results in slot order, read after joining): a slot read 0, which no child wrote: {pids:?}. Were the slots read before joining \
         the children? The children wrote only once the parent was waiting in join"
    );
    let mut distinct = pids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        5,
        "clause 3 (each work(i) in a child of its own): 5 slots should be filled by 5 different processes, got pids {pids:?}"
    );
}

#[test]
fn the_children_run_at_the_same_time() {
    let _clean = testkit::process_scope();
    const N: u32 = 4;
    const IN_PARENT: u64 = u64::MAX;
    let parent = u64::from(std::process::id());
    // A start line in shared memory, mapped before the children are forked:
    // every child waits there until all N have arrived.
    let start = SharedValue::<StartLine>::new().expect("mmap failed");
    let missed =
        within(
            PATIENCE,
            "clause 4 (all children started before any is joined): compute_in_children",
            LIKELY,
            move || {
                // SAFETY: the start line is atomics in shared memory, the clock and
                // sched_yield; getpid.
                unsafe {
            compute_in_children(N as usize, |_| {
                if u64::from(std::process::id()) == parent {
                    return IN_PARENT;
                }
                match start.wait(N, WAIT_IN_CHILD) {
                    Ok(()) => 0,
                    Err(missed) => u64::from(missed.arrived),
                }
            })
        }
        .expect("clause 4 (all children started before any is joined): compute_in_children failed")
            },
        );
    assert!(
        !missed.contains(&IN_PARENT),
        "clause 3 (each work(i) in a child of its own): work ran in the parent (pid {parent}); call it in the child, after fork"
    );
    assert!(
        missed.iter().all(|&m| m == 0),
        "clause 4 (all children started before any is joined): the children never all ran at the same time (arrivals seen by each child when it gave \
         up: {missed:?}): start every child before joining the first one"
    );
}

#[test]
fn a_child_that_fails_is_reported_with_its_slot() {
    let _clean = testkit::process_scope();
    const N: usize = 4;
    // Each child writes its pid here first, then waits for all the others
    // to have written theirs, so that the test can check afterwards that
    // every one of them was joined.
    let pids = SharedSlice::<AtomicU64>::new(N).expect("mmap failed");
    let start = SharedValue::<StartLine>::new().expect("mmap failed");
    let parent = std::process::id();
    let (outcome, pids) = within(
        PATIENCE,
        "clause 5 (a failed child is an error naming its slot, after joining all): compute_in_children",
        LIKELY,
        move || {
            // SAFETY: the work stores into an atomic, waits at a start line
            // (atomics, the clock, sched_yield), computes, and for slot 2 sends
            // descriptor 2 to /dev/null (open and dup2) and panics, which
            // Process reports with one write(2).
            let outcome = unsafe {
                compute_in_children(N, |i| {
                    pids[i].store(u64::from(std::process::id()), Ordering::Relaxed);
                    let _ = start.wait(N as u32, WAIT_IN_CHILD);
                    if i == 2 {
                        assert_ne!(
                            std::process::id(),
                            parent,
                            "clause 3 (each work(i) in a child of its own): work ran in the parent (pid {parent}); call it in the child, after fork"
                        );
                        testkit::silence_stderr(); // a failure on purpose, not noise
                        panic!("slot 2 fails on purpose");
                    }
                    i as u64
                })
            };
            let pids: Vec<u64> = pids.iter().map(|p| p.load(Ordering::Relaxed)).collect();
            (outcome, pids)
        },
    );
    for (i, &pid) in pids.iter().enumerate() {
        let pid = i32::try_from(pid).expect("a pid fits in an i32");
        if pid != 0 {
            assert_eq!(
                proc_state(pid),
                None,
                "clause 5 (a failed child is an error naming its slot, after joining all): the child for slot {i} (pid {pid}) was left behind (a zombie, or running) \
                 when compute_in_children returned: join every child before returning the \
                 error"
            );
        }
    }
    let error = outcome.expect_err(
        "clause 5 (a failed child is an error naming its slot, after joining all): the child for slot 2 panicked (exit code 101), so its slot holds no result: \
         compute_in_children should return an error, not Ok",
    );
    assert!(
        error.to_string().contains("slot 2"),
        "clause 5 (a failed child is an error naming its slot, after joining all): the error should name the failed slot as `slot 2`, got: {error}"
    );
}

/// Fault injection: a child that dies by a signal (the OOM killer's SIGKILL,
/// a segfault, an abort) never exits with 0, and its slot holds no result.
#[test]
fn a_child_killed_by_a_signal_is_reported_with_its_slot() {
    let _clean = testkit::process_scope();
    const N: usize = 4;
    let parent = std::process::id();
    let outcome = within(
        PATIENCE,
        "clause 5 (a failed child is an error naming its slot, after joining all): compute_in_children",
        LIKELY,
        move || {
            // SAFETY: the work computes a number, and for slot 1 sends
            // SIGKILL to its own process (getpid and kill(2) are
            // async-signal-safe), unless it runs in the test's process.
            unsafe {
                compute_in_children(N, |i| {
                    assert_ne!(
                        std::process::id(),
                        parent,
                        "clause 3 (each work(i) in a child of its own): work ran in the parent (pid {parent}); call it in the child, after fork"
                    );
                    if i == 1 {
                        let _ = nix::sys::signal::kill(
                            nix::unistd::getpid(),
                            nix::sys::signal::Signal::SIGKILL,
                        );
                    }
                    i as u64
                })
            }
        },
    );
    let error = outcome.expect_err(
        "clause 5 (a failed child is an error naming its slot, after joining all): the child for \
         slot 1 was killed by SIGKILL, so it did not exit with status 0 and its slot holds no \
         result: compute_in_children should return an error, not Ok. A death by a signal is \
         ExitStatus::Signaled, not Exited with a code: treat everything but Exited(0) as failure",
    );
    assert!(
        error.to_string().contains("slot 1"),
        "clause 5 (a failed child is an error naming its slot, after joining all): the error \
         should name the failed slot as `slot 1`, got: {error}"
    );
}
