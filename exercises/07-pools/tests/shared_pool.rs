//! Tests of the shared-memory pool: the same results as a plain loop for
//! every way of cutting the items (lengths not divisible by the number of
//! workers, no items, fewer items than workers, more items than the shared
//! mappings hold), dead workers reported rather than waited for, and no
//! worker left to scribble over the next map's results.

use nix::sys::signal::{Signal, kill};
use pools::demos::process_pool::{PoolError, python_chunksize};
use pools::demos::shared_pool::{InSharedMemory, SharedMemoryPool};
use pools::demos::tasks::square;
use processes::demos::process::{ExitStatus, Process};
use testkit::{DEADLINE, within};

mod crashes;
use crashes::{
    Crash, abort_on_seven, assert_task_panicked, assert_worker_died, exit_on_seven, kill_on_seven,
    panic_on_seven,
};

const HANG: &str = "deadlock: map never returned. A completion that never came, or a dead \
     worker waited for: look at how the pool waits (poll on every busy worker's completion \
     pipe; end-of-file there means the worker died)";

/// A pool of `workers` running `task`, with room for `capacity` items.
fn pool<T, U, F>(workers: usize, capacity: usize, task: F) -> SharedMemoryPool<T, U, F>
where
    T: InSharedMemory,
    U: InSharedMemory,
    F: Fn(T) -> U,
{
    // SAFETY: the tasks of these tests (square, a closure adding a captured
    // number, getpid, and the `*_on_seven` and `never_ends_on_one` functions)
    // compute, panic, or make async-signal-safe calls (getpid, kill,
    // setrlimit, abort, _exit, pause, open, dup2); none takes a lock, reads
    // the environment or starts a thread.
    unsafe { SharedMemoryPool::new(workers, capacity, task) }.expect("could not start the pool")
}

/// Items whose squares are all different, so a result in the wrong place
/// shows.
fn numbers(len: usize) -> Vec<u64> {
    (0..len as u64).map(|i| 3 * i + 1).collect()
}

/// Panics with the first index where `map` differs from the plain loop.
fn check(result: &[u64], items: &[u64], what: &str) {
    let expected: Vec<u64> = items.iter().map(|&x| square(x)).collect();
    assert_eq!(
        result.len(),
        expected.len(),
        "{what}: {} results for {} items. Look at how the items are cut into chunks: a \
         chunk lost or sent twice (the last, shorter chunk; a round of `capacity` items)",
        result.len(),
        expected.len()
    );
    let wrong = (0..expected.len()).find(|&i| result[i] != expected[i]);
    if let Some(i) = wrong {
        panic!(
            "{what}: result {i} is {} but square({}) is {}: a result read from the wrong \
             slot, or before its worker published it",
            result[i], items[i], expected[i]
        );
    }
}

#[test]
fn results_equal_the_plain_loop_for_every_length() {
    let _clean = testkit::process_scope();
    within(DEADLINE, "maps of 0 to 70 items", HANG, || {
        for workers in 1..=4 {
            let mut pool = pool(workers, 1000, square);
            // Lengths around every multiple of the worker count, and around
            // Python's chunk boundaries: 0, fewer items than workers, ...
            for len in (0..=70).chain([999, 1000]) {
                let items = numbers(len);
                let result = pool.map(&items).expect("map failed");
                check(
                    &result,
                    &items,
                    &format!("{len} items on {workers} workers"),
                );
            }
        }
    });
}

#[test]
fn no_items_no_results_and_no_message() {
    let _clean = testkit::process_scope();
    let result = within(DEADLINE, "map over nothing", HANG, || {
        pool(2, 10, square).map(&[]).expect("map failed")
    });
    assert!(result.is_empty(), "no items must give no results");
}

#[test]
fn fewer_items_than_workers() {
    let _clean = testkit::process_scope();
    let result = within(DEADLINE, "map of 2 items on 4 workers", HANG, || {
        pool(4, 10, square).map(&[5, 6]).expect("map failed")
    });
    assert_eq!(
        result,
        vec![25, 36],
        "2 items on 4 workers: two workers get nothing to do, and must not be waited for"
    );
}

#[test]
fn more_items_than_the_mappings_hold_run_in_rounds() {
    let _clean = testkit::process_scope();
    within(DEADLINE, "maps longer than the capacity", HANG, || {
        let mut pool = pool(3, 7, square);
        for len in [6, 7, 8, 13, 14, 15, 50] {
            let items = numbers(len);
            let result = pool.map(&items).expect("map failed");
            check(&result, &items, &format!("{len} items, room for 7"));
        }
    });
}

#[test]
fn the_tutorials_example_with_a_closure_that_captures() {
    let _clean = testkit::process_scope();
    let offset = 100u64;
    let result = within(DEADLINE, "map(|x| x * x + offset)", HANG, move || {
        pool(2, 16, move |x: u64| x * x + offset)
            .map(&[1, 2, 3, 4, 5])
            .expect("map failed")
    });
    assert_eq!(
        result,
        vec![101, 104, 109, 116, 125],
        "the fork copies the closure, and the number it captured, into each worker"
    );
}

#[test]
fn floats_and_narrow_integers_make_the_trip_bit_for_bit() {
    let _clean = testkit::process_scope();
    let (roots, halves) = within(DEADLINE, "maps of f64 and i16", HANG, || {
        let items: Vec<f64> = (0..100).map(|i| i as f64 * 0.25).collect();
        let roots = pool(2, 64, f64::sqrt).map(&items).expect("map failed");
        let small: Vec<i16> = (-50..50).collect();
        let halves = pool(3, 64, |x: i16| (x / 2) as i8)
            .map(&small)
            .expect("map failed");
        (roots, halves)
    });
    for (i, root) in roots.iter().enumerate() {
        let expected = (i as f64 * 0.25).sqrt();
        assert_eq!(
            root.to_bits(),
            expected.to_bits(),
            "sqrt of item {i}: an f64 travels as its 8 bytes, unchanged"
        );
    }
    let expected: Vec<i8> = (-50..50i16).map(|x| (x / 2) as i8).collect();
    assert_eq!(
        halves, expected,
        "i16 items and i8 results, 1 and 2 bytes a slot"
    );
}

#[test]
fn the_tasks_run_in_the_workers_not_in_the_parent() {
    let _clean = testkit::process_scope();
    let (pids, ran_in) = within(DEADLINE, "map(getpid)", HANG, || {
        let mut pool = pool(3, 100, |_: u32| std::process::id());
        let ran_in = pool.map(&[0; 60]).expect("map failed");
        (pool.pids(), ran_in)
    });
    for pid in ran_in {
        assert_ne!(pid, std::process::id(), "a task ran in the parent process");
        assert!(
            pids.contains(&(pid as i32)),
            "a task ran in {pid}, not one of the workers {pids:?}"
        );
    }
}

#[test]
fn the_trace_has_one_span_per_chunk_on_the_workers_lanes() {
    let _clean = testkit::process_scope();
    let (pids, spans) = within(DEADLINE, "map_traced over 1000 items", HANG, || {
        let mut pool = pool(2, 1000, square);
        let items = numbers(1000);
        let (result, spans) = pool.map_traced(&items).expect("map failed");
        check(&result, &items, "map_traced");
        (pool.pids(), spans)
    });
    let chunks = 1000usize.div_ceil(python_chunksize(1000, 2));
    let lanes: Vec<String> = pids.iter().map(|pid| format!("process {pid}")).collect();
    let on_workers = spans.iter().filter(|s| lanes.contains(&s.lane)).count();
    assert_eq!(
        on_workers, chunks,
        "one span per chunk on a worker's lane: {spans:?}"
    );
    for what in ["copy in", "copy out"] {
        let count = spans
            .iter()
            .filter(|s| s.lane == "parent" && s.label.starts_with(what))
            .count();
        assert_eq!(
            count, chunks,
            "one '{what}' span per chunk on the parent's lane"
        );
    }
}

#[test]
fn join_lets_every_worker_exit_cleanly() {
    let _clean = testkit::process_scope();
    let statuses = within(DEADLINE, "join", "a worker never saw end-of-file", || {
        let mut pool = pool(3, 10, square);
        pool.map(&[1, 2, 3]).expect("map failed");
        pool.join().expect("join failed")
    });
    assert_eq!(statuses, vec![ExitStatus::Exited(0); 3]);
}

/// Issue 20, defect 2: `join` must not wait for end-of-file on the task pipes,
/// which any child forked later (by this program, a library, another thread)
/// holds open.
#[test]
fn join_ends_while_a_bystander_child_holds_the_task_pipes() {
    fn bystander() -> Process {
        // SAFETY: the child only calls `pause(2)`, async-signal-safe, until
        // the test kills it.
        unsafe {
            Process::start(|| {
                loop {
                    nix::unistd::pause();
                }
            })
        }
        .expect("could not start the bystander child")
    }
    let _clean = testkit::process_scope();
    let (statuses, mut bystanders) = within(
        DEADLINE,
        "join with a bystander child alive",
        "deadlock: join waited for workers that never stopped. A child started after the \
         pool (by this program or a library) inherits the pool's write ends of the task \
         pipes, so closing the parent's copy is no end-of-file: tell each worker to stop \
         with a message of its own",
        || {
            let before = bystander();
            let mut pool = pool(2, 10, square);
            let during = bystander();
            pool.map(&[1, 2, 3]).expect("map failed");
            let after_map = bystander();
            (
                pool.join().expect("join failed"),
                [before, during, after_map],
            )
        },
    );
    for child in &mut bystanders {
        child.kill().unwrap();
        child.join().unwrap();
    }
    assert_eq!(statuses, vec![ExitStatus::Exited(0); 2]);
}

// ---------------------------------------------------------------------------
// A worker that dies is reported, and the next map is not disturbed.

/// Squares, except 1, which never ends (it waits for a signal that never
/// comes).
fn never_ends_on_one(x: u64) -> u64 {
    if x == 1 {
        loop {
            nix::unistd::pause();
        }
    }
    kill_on_seven(x)
}

/// Maps `task` over 0..20 on 2 workers (Python's chunk size: 3), expects an
/// error, then maps `square` over the same items and drops the pool.
fn crash(task: fn(u64) -> u64) -> Crash {
    within(
        DEADLINE,
        "map with a task that ends its worker, another map, drop(pool)",
        "the pool waited for a completion from a dead worker, as Python's Pool.map does, or \
         for a chunk that never ends. End-of-file on a completion pipe means the worker \
         died; a worker still busy after a failure is killed, not waited for",
        move || {
            let items: Vec<u64> = (0..20).collect();
            let mut pool = pool(2, 20, task);
            let before = pool.pids();
            let error = pool
                .map(&items)
                .expect_err("map succeeded although a worker died");
            let after = pool.pids();
            let again = pool.map(&items.iter().map(|x| x + 100).collect::<Vec<_>>());
            drop(pool);
            let again = again.expect("the pool is unusable after a crash");
            let expected: Vec<u64> = items.iter().map(|x| task(x + 100)).collect();
            assert_eq!(
                again, expected,
                "the map after a failure got wrong results: a worker of the failed map \
                 still writing into the shared results?"
            );
            Crash {
                error,
                before,
                after,
            }
        },
    )
}

fn expect_death(task: fn(u64) -> u64, expected: ExitStatus, words: &str) {
    let _clean = testkit::process_scope();
    assert_worker_died(crash(task), expected, words);
}

#[test]
fn a_worker_killed_mid_chunk_is_reported_not_waited_for() {
    expect_death(kill_on_seven, ExitStatus::Signaled(9), "SIGKILL");
}

#[test]
fn a_worker_that_aborts_is_reported_with_its_signal() {
    expect_death(abort_on_seven, ExitStatus::Signaled(6), "SIGABRT");
}

#[test]
fn a_worker_that_exits_is_reported_with_its_exit_code() {
    expect_death(exit_on_seven, ExitStatus::Exited(3), "code 3");
}

#[test]
fn a_panicking_task_is_reported_and_its_worker_lives_on() {
    let _clean = testkit::process_scope();
    assert_task_panicked(&crash(panic_on_seven));
}

#[test]
fn a_failed_map_does_not_wait_for_a_chunk_that_never_ends() {
    // Worker 0 takes chunk 0 (items 0..3) and never comes back from item 1;
    // worker 1 takes chunk 1, then chunk 2, and dies on item 7. The map must
    // report that death without waiting for worker 0, kill worker 0 (or it
    // would stay stuck, or worse, write into the next map's results), and
    // the pool must still work and drop without hanging.
    let _clean = testkit::process_scope();
    let Crash {
        error,
        before,
        after,
    } = crash(never_ends_on_one);
    assert!(
        matches!(error, PoolError::WorkerDied { chunk: 2, .. }),
        "expected the death on chunk 2, got {error:?}"
    );
    assert!(
        after.iter().all(|pid| !before.contains(pid)),
        "both workers must have been replaced: the dead one, and the one stuck on a chunk \
         of the failed map (before {before:?}, after {after:?})"
    );
}

#[test]
fn a_worker_killed_between_maps_is_reported_by_the_next_map() {
    let _clean = testkit::process_scope();
    within(DEADLINE, "map after a worker was killed", HANG, || {
        let mut pool = pool(2, 100, square);
        let items = numbers(100);
        check(
            &pool.map(&items).expect("first map failed"),
            &items,
            "first map",
        );
        let victim = pool.pids()[0];
        kill(nix::unistd::Pid::from_raw(victim), Signal::SIGKILL).expect("kill");
        let error = pool
            .map(&items)
            .expect_err("a map with a dead worker succeeded");
        assert!(
            matches!(error, PoolError::WorkerDied { pid, .. } if pid == victim),
            "expected the death of {victim}, got {error:?}"
        );
        check(
            &pool.map(&items).expect("third map failed"),
            &items,
            "third map",
        );
    });
}
