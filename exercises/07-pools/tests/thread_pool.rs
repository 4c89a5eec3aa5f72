//! Tests of the thread pool: order, completeness, real parallelism, panics
//! reported, graceful shutdown.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use pools::demos::tasks::square;
use pools::demos::thread_pool::{TaskPanicked, ThreadPool};
use testkit::{DEADLINE, Rendezvous, within};

const HANG: &str = "deadlock: map never returned. Does every job send its result, and does \
     map drop its own copy of the result Sender before collecting?";

#[test]
fn the_tutorials_example() {
    let result = within(DEADLINE, "map(square, [1..5])", HANG, || {
        ThreadPool::new(4).map(square, vec![1, 2, 3, 4, 5])
    });
    assert_eq!(result, Ok(vec![1, 4, 9, 16, 25]));
}

#[test]
fn a_hundred_thousand_items_in_input_order() {
    let numbers: Vec<u64> = (0..100_000).rev().collect();
    let result = within(DEADLINE, "map over 100 000 numbers", HANG, move || {
        ThreadPool::new(4).map(square, numbers).unwrap()
    });
    let expected: Vec<u64> = (0..100_000u64).rev().map(|x| x * x).collect();
    assert!(
        result == expected,
        "results missing, wrong or out of input order"
    );
}

#[test]
fn map_takes_closures_that_capture() {
    let offset = 10;
    let result = ThreadPool::new(2).map(move |x: u64| x + offset, vec![1, 2, 3]);
    assert_eq!(result, Ok(vec![11, 12, 13]));
}

#[test]
fn all_workers_run_at_the_same_time() {
    let workers = 4;
    let pool = ThreadPool::new(workers);
    let meet = Arc::new(Rendezvous::new(workers));
    let met = within(DEADLINE, "4 jobs meeting", HANG, move || {
        let meet = Arc::clone(&meet);
        pool.map(move |_: usize| meet.wait(DEADLINE), vec![0; workers])
    });
    for outcome in met.unwrap() {
        assert_eq!(
            outcome,
            Ok(()),
            "the pool's workers did not run at the same time"
        );
    }
}

#[test]
fn workers_have_names() {
    let pool = ThreadPool::new(3);
    let names = pool
        .map(
            |_: u8| std::thread::current().name().map(String::from),
            vec![0; 30],
        )
        .unwrap();
    for name in names {
        let name = name.expect("a pool worker without a name");
        assert!(name.starts_with("pool-worker-"), "unexpected name {name}");
    }
}

#[test]
fn a_panicking_task_is_reported_with_its_index_and_the_pool_goes_on() {
    let workers = 3;
    let pool = ThreadPool::new(workers);
    let result = pool.map(
        |x: u64| {
            assert!(x % 10 != 7, "no sevens please, got {x}");
            x
        },
        (0..40).collect(),
    );
    assert_eq!(
        result,
        Err(TaskPanicked {
            index: 7,
            message: "no sevens please, got 7".to_string()
        }),
        "the first item (in input order) that panicked"
    );
    // Still `workers` workers: they all meet again.
    let meet = Arc::new(Rendezvous::new(workers));
    let met = within(DEADLINE, "meeting after a panic", HANG, move || {
        let meet = Arc::clone(&meet);
        pool.map(move |_: usize| meet.wait(DEADLINE), vec![0; workers])
    });
    for outcome in met.unwrap() {
        assert_eq!(outcome, Ok(()), "the pool lost workers to the panic");
    }
}

#[test]
fn a_panic_in_execute_is_counted_and_costs_no_worker() {
    let pool = ThreadPool::new(2);
    for _ in 0..5 {
        pool.execute(|| panic!("a job that fails"));
    }
    let meet = Arc::new(Rendezvous::new(2));
    let outcome = pool.map(
        {
            let meet = Arc::clone(&meet);
            move |_: u8| meet.wait(DEADLINE)
        },
        vec![0; 2],
    );
    assert_eq!(
        outcome,
        Ok(vec![Ok(()); 2]),
        "two workers should still meet"
    );
    assert_eq!(pool.panics(), 5);
}

#[test]
fn drop_runs_every_queued_job_then_joins_the_workers() {
    let done = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&done);
    within(
        DEADLINE,
        "drop(pool)",
        "a worker never saw the channel close",
        move || {
            let pool = ThreadPool::new(3);
            for _ in 0..1000 {
                let done = Arc::clone(&counted);
                pool.execute(move || {
                    done.fetch_add(1, Ordering::SeqCst);
                });
            }
            drop(pool);
        },
    );
    assert_eq!(
        done.load(Ordering::SeqCst),
        1000,
        "drop returned before the queue was done"
    );
}

#[test]
fn dropping_the_pool_inside_one_of_its_own_jobs_does_not_join_itself() {
    let pool = Arc::new(ThreadPool::new(2));
    let last_handle = Arc::clone(&pool);
    let (go, wait_for_go) = crossbeam_channel::bounded::<()>(1);
    let (report, reports) = crossbeam_channel::bounded(1);
    let queued_behind = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&queued_behind);
    pool.execute(move || {
        // cannot block: recv_timeout gives up after the deadline.
        let _ = wait_for_go.recv_timeout(DEADLINE);
        // The test has dropped its handle: this drop is the pool's last.
        let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(last_handle)));
        let outcome = dropped.map_err(|panic| {
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|text| text.to_string()))
                .unwrap_or_default()
        });
        let ran = counted.load(Ordering::SeqCst);
        let _ = report.send((outcome, ran, testkit::task::current_tid()));
    });
    // Jobs queued behind that one: a graceful drop still runs them all.
    for _ in 0..10 {
        let done = Arc::clone(&queued_behind);
        pool.execute(move || {
            done.fetch_add(1, Ordering::SeqCst);
        });
    }
    drop(pool);
    go.send(()).expect("the job waits for the go");
    let (outcome, ran, worker) = within(
        DEADLINE,
        "a job that drops the last handle of its own pool",
        "deadlock: the pool's drop, running on one of its workers, waited for that very \
         worker to end. A worker that drops its own pool must not join its own thread",
        move || reports.recv().expect("the job always reports"),
    );
    assert_eq!(
        outcome,
        Ok(()),
        "dropping the pool's last handle inside one of its own jobs panicked: the drop joined \
         the worker thread it runs on (pthread_join of oneself fails with EDEADLK, and std \
         panics). A worker that drops its own pool must leave its own thread detached and \
         join only the others"
    );
    assert_eq!(
        ran, 10,
        "the drop returned before the jobs queued behind the dropping one had run: it must \
         still join every other worker, which drains the queue"
    );
    // The detached worker ends by itself once the job returns (the channel
    // is closed and empty): no thread leaks.
    let gone = within(
        DEADLINE,
        "the worker that dropped its own pool to end",
        "the worker that dropped its own pool never ended: once its job returns, its loop must \
         find the channel closed and empty",
        move || {
            let task = format!("/proc/self/task/{worker}");
            while std::path::Path::new(&task).exists() {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            true
        },
    );
    assert!(gone);
}

/// `map` over `outer` whose task itself calls `map` on the same pool. The
/// task holds the pool through a `Weak`, upgraded only while it runs: a
/// strong handle in the task would make a cycle (the pool's queue holds the
/// task, the task holds the pool).
fn nested_map(workers: usize, outer: Vec<u64>) -> Vec<u64> {
    let pool = Arc::new(ThreadPool::new(workers));
    let inner = Arc::downgrade(&pool);
    let sums = pool.map(
        move |x: u64| {
            let pool = inner.upgrade().expect("the caller holds the pool");
            let squares = pool
                .map(square, vec![x, x + 1])
                .expect("square never panics");
            squares.iter().sum::<u64>()
        },
        outer,
    );
    sums.expect("nothing panicked")
}

#[test]
fn a_map_inside_a_job_of_the_same_pool_does_not_deadlock() {
    for workers in [1, 2] {
        let sums = within(
            DEADLINE,
            "map inside a map of the same pool",
            "deadlock: a job called map on its own pool and waited for chunks queued behind \
             itself. A map called from one of the pool's workers must not wait for the pool's \
             workers: run it on the calling thread",
            move || nested_map(workers, vec![1, 2, 3, 4]),
        );
        assert_eq!(sums, vec![5, 13, 25, 41], "{workers} workers: x² + (x+1)²");
    }
}
