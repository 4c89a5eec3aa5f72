//! Tests of the exercise `overlapping_workers`: `cargo test -p threads --test overlapping_workers`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use testkit::{DEADLINE, Missed, Rendezvous, within};
use threads::exercises::overlapping_workers::{Task, run_overlapping};

/// How long a task waits for the others at the rendezvous. Tasks that really
/// run at once meet in microseconds; this only has to tell "slow" from "never",
/// and stay under `DEADLINE`, which bounds the whole call.
const MEET: Duration = Duration::from_secs(10);

/// `n` tasks that each wait at one rendezvous, then return `value(i)`. Once
/// one task has given up, the later ones give up at once with the same
/// `Missed`, so that a student's wrong answer costs one wait, not `n`.
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

fn run_within_deadline<T: Send + 'static>(tasks: Vec<Task<T>>) -> Vec<Result<T, String>> {
    within(
        DEADLINE,
        "run_overlapping",
        "a task never finished, or a join waits for a thread that never ends",
        move || run_overlapping(tasks),
    )
}

/// Unwraps one task's outcome, explaining a missed rendezvous.
fn met<T: std::fmt::Debug>(outcome: Result<Result<T, Missed>, String>, task: usize) -> T {
    match outcome {
        Ok(Ok(value)) => value,
        Ok(Err(missed)) => panic!(
            "{missed}: did you join each thread right after spawning it? \
             Spawn every task first, then join them all"
        ),
        Err(panic) => panic!("task {task} should not panic, but run_overlapping says: {panic}"),
    }
}

#[test]
fn all_tasks_run_at_the_same_time() {
    let outcomes = run_within_deadline(meeting_tasks(4, |_| ()));
    assert_eq!(outcomes.len(), 4, "expected one result per task");
    for (task, outcome) in outcomes.into_iter().enumerate() {
        met(outcome, task);
    }
}

#[test]
fn results_come_back_in_task_order() {
    let outcomes = run_within_deadline(meeting_tasks(6, |i| format!("task {i} done")));
    let values: Vec<String> = outcomes
        .into_iter()
        .enumerate()
        .map(|(task, outcome)| met(outcome, task))
        .collect();
    let expected: Vec<String> = (0..6).map(|i| format!("task {i} done")).collect();
    assert_eq!(
        values, expected,
        "entry i must be the result of tasks[i]: join the handles in the order of the tasks"
    );
}

#[test]
fn a_panicking_task_does_not_stop_the_others() {
    let tasks: Vec<Task<u32>> = vec![
        Box::new(|| 1),
        Box::new(|| panic!("disk full")),
        Box::new(|| panic!("disk {} full", 3)),
        Box::new(|| 4),
    ];
    let outcomes = run_within_deadline(tasks);
    assert_eq!(
        outcomes,
        vec![
            Ok(1),
            Err("disk full".to_string()),
            Err("disk 3 full".to_string()),
            Ok(4)
        ],
        "a panic must come back as Err(its message): `join` returns the payload, which is a \
         &'static str for panic!(\"literal\") and a String for panic!(\"with {{}}\", arguments)"
    );
}

#[test]
fn no_tasks_no_results() {
    let outcomes = run_within_deadline(Vec::<Task<u8>>::new());
    assert!(outcomes.is_empty(), "no tasks must give an empty Vec");
}
