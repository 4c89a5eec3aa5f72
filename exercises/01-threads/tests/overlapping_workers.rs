//! Tests of the exercise `overlapping_workers`: `cargo test -p threads --test overlapping_workers`.
//!
//! The tasks decide the schedule, not the machine: they meet at a rendezvous
//! (so they must all run at once), finish in reverse order on purpose
//! ([`common::ReverseFinish`]), or panic with a `&str` and a `String` payload.
//!
//! The first line of every failure names the clause of the contract it
//! breaks (`exercises/01-threads/course.toml`).

mod common;

use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use common::{CALL_DEADLINE, MEET, ReverseFinish, order_problem};
use testkit::panics::{self, ON_PURPOSE, quiet_deliberate_panics};
use testkit::{Missed, Rendezvous, within};
use threads::exercises::overlapping_workers::{Task, run_overlapping};

/// `n` tasks that each wait at one rendezvous, then return `value(i)`. Once
/// one task has given up, the later ones give up at once with the same
/// `Missed`, so that a wrong answer costs one wait, not `n`.
fn meeting_tasks<T, V>(n: usize, value: V) -> Vec<Task<Result<T, Missed>>>
where
    T: Send + 'static,
    V: Fn(usize) -> T + Send + Sync + 'static,
{
    let meet = Arc::new(Rendezvous::new(n));
    let gave_up: Arc<Mutex<Option<Missed>>> = Arc::new(Mutex::new(None));
    let value = Arc::new(value);
    (0..n)
        .map(|i| {
            let meet = Arc::clone(&meet);
            let gave_up = Arc::clone(&gave_up);
            let value = Arc::clone(&value);
            Box::new(move || {
                if let Some(missed) = *gave_up.lock().unwrap() {
                    return Err(missed);
                }
                match meet.wait(MEET) {
                    Ok(()) => Ok(value(i)),
                    Err(missed) => {
                        *gave_up.lock().unwrap() = Some(missed);
                        Err(missed)
                    }
                }
            }) as Task<Result<T, Missed>>
        })
        .collect()
}

/// Runs `run_overlapping(tasks)` with a deadline. A panic of
/// `run_overlapping` itself fails the test: task panics must come back as
/// `Err` entries.
fn run_within_deadline<T: Send + 'static>(
    tasks: Vec<Task<T>>,
    likely_cause: &str,
) -> Vec<Result<T, String>> {
    // The one test whose likely cause is not STUCK has tasks that panic.
    let what = if likely_cause == STUCK {
        "clause 2 (run_overlapping returns every task's result): run_overlapping"
    } else {
        "clause 3 (a task's panic does not stop the others): run_overlapping"
    };
    let outcome = within(CALL_DEADLINE, what, likely_cause, move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_overlapping(tasks)))
    });
    outcome.unwrap_or_else(|payload| {
        panic!(
            "clause 3 (a task's panic does not stop the others): run_overlapping panicked ({}): \
             a task's panic must come back as its Err entry, and \
             must not stop run_overlapping or the other tasks",
            panics::message(payload.as_ref())
        )
    })
}

const STUCK: &str = "a task never finished, or a join waits for a thread that never ends";

/// Unwraps one task's outcome, explaining a missed rendezvous.
fn met<T: Debug>(outcome: Result<Result<T, Missed>, String>, task: usize) -> T {
    match outcome {
        Ok(Ok(value)) => value,
        Ok(Err(missed)) => panic!(
            "clause 1 (all tasks run at the same time): {missed}: run_overlapping must start \
             every task before it joins any. Did you join \
             each thread right after spawning it? (An iterator's map is lazy: collect the \
             handles into a Vec before joining.)"
        ),
        Err(panic) => panic!(
            "clause 3 (a task's entry is Err only if it panicked): task {task} should not panic, \
             but run_overlapping says: {panic}"
        ),
    }
}

fn assert_in_task_order<T: PartialEq + Debug>(got: &[T], expected: &[T]) {
    if let Some(problem) = order_problem(got, expected, "the entries") {
        panic!("clause 2 (results in task order): {problem}");
    }
}

#[test]
fn all_tasks_run_at_the_same_time() {
    let outcomes = run_within_deadline(meeting_tasks(4, |_| ()), STUCK);
    assert!(
        outcomes.len() == 4,
        "clause 2 (one result per task): 4 tasks, {} results",
        outcomes.len()
    );
    for (task, outcome) in outcomes.into_iter().enumerate() {
        met(outcome, task);
    }
}

#[test]
fn results_come_back_in_task_order_when_tasks_finish_in_reverse() {
    let order = ReverseFinish::new(6);
    let stuck = Arc::new(Mutex::new(None));
    let tasks = {
        let stuck = Arc::clone(&stuck);
        meeting_tasks(6, move |i| {
            if let Err(what) = order.finish_after_next(i) {
                *stuck.lock().unwrap() = Some(what);
            }
            format!("task {i} done")
        })
    };
    let outcomes = run_within_deadline(tasks, STUCK);
    let values: Vec<String> = outcomes
        .into_iter()
        .enumerate()
        .map(|(task, outcome)| met(outcome, task))
        .collect();
    if let Some(what) = stuck.lock().unwrap().take() {
        panic!(
            "clause 1 (each task on a thread of its own): {what}: each task must run on a thread \
             of its own that ends when the task is done"
        );
    }
    let expected: Vec<String> = (0..6).map(|i| format!("task {i} done")).collect();
    assert_in_task_order(&values, &expected);
    assert!(
        values == expected,
        "clause 2 (results in task order): entry i must be the result of tasks[i]: join the \
         handles in the order of the tasks; expected {expected:?}, got {values:?}"
    );
}

#[test]
fn a_panicking_task_does_not_stop_the_others() {
    quiet_deliberate_panics();
    let tasks: Vec<Task<u32>> = vec![
        Box::new(|| 1),
        Box::new(|| panic!("disk full, on purpose")),
        Box::new(|| panic!("disk {} full, {ON_PURPOSE}", 3)),
        Box::new(|| 4),
    ];
    let outcomes = run_within_deadline(
        tasks,
        "a task that panics returns no value: if your code waits for one result per task (one \
         message each, say), the panicking task's never comes. Join the threads instead: join \
         returns Err for a panic",
    );
    let expected = vec![
        Ok(1),
        Err("disk full, on purpose".to_string()),
        Err("disk 3 full, on purpose".to_string()),
        Ok(4),
    ];
    assert_in_task_order(&outcomes, &expected);
    assert!(
        outcomes.len() == 4,
        "clause 3 (a task's panic does not stop the others): expected one entry per task: \
         {outcomes:?}"
    );
    assert!(
        outcomes[1] == expected[1],
        "clause 3 (a panicking task's entry is Err(its message)): got {:?}; task 1 ran panic!(\"disk full, on purpose\"), whose payload is a &'static str: its entry \
         must be Err(the message). Downcast the payload that join returns (downcast_ref::<&str>())",
        outcomes[1]
    );
    assert!(
        outcomes[2] == expected[2],
        "clause 3 (a panicking task's entry is Err(its message)): got {:?}; task 2 ran panic!(\"disk {{}} full, on purpose\", 3), whose payload is a String (a \
         formatted message): its entry must be Err(the message). Downcast the payload to String \
         too, not only to &str",
        outcomes[2]
    );
    assert!(
        outcomes == expected,
        "clause 3 (a task's panic does not stop the others): the tasks that did not panic must \
         come back as Ok(their value): expected {expected:?}, got {outcomes:?}"
    );
}

#[test]
fn no_tasks_no_results() {
    let outcomes = run_within_deadline(Vec::<Task<u8>>::new(), STUCK);
    assert!(
        outcomes.is_empty(),
        "clause 2 (no tasks, no results): no tasks must give an empty Vec"
    );
}
