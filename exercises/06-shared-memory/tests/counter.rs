//! One counter, several processes: exact with fetch_add; with a load then a
//! store, never more than expected, usually less.

use shared_memory::demos::counter::{Increment, Tally, count_in_processes};
use testkit::{DEADLINE, bin_path, run_program, within};

fn count(processes: u32, increments: u64, increment: Increment) -> Tally {
    within(
        DEADLINE,
        "count_in_processes",
        "a child never exited: is one stuck at the start line, or was one never joined?",
        move || count_in_processes(processes, increments, increment).expect("a child failed"),
    )
}

#[test]
fn fetch_add_loses_nothing() {
    let _clean = testkit::process_scope();
    let tally = count(4, 100_000, Increment::FetchAdd);
    assert_eq!(
        tally,
        Tally {
            expected: 400_000,
            actual: 400_000
        },
        "4 processes x 100_000 fetch_adds must give exactly 400_000: fetch_add is one \
         indivisible read-modify-write, even across processes"
    );
}

#[test]
fn load_then_store_never_counts_more_than_expected() {
    let _clean = testkit::process_scope();
    let tally = count(4, 100_000, Increment::LoadThenStore);
    // Lost updates are likely, not certain: on a quiet machine the children may
    // happen to run one after the other. So the test checks the accounting, not
    // that something was lost. A store always writes a value one more than a
    // value some process read, so the count can only lose, never gain, and it is
    // at least 1.
    assert!(
        (1..=400_000).contains(&tally.actual),
        "with a load then a store the count can lose increments but never invent one: \
         expected between 1 and 400000, got {}",
        tally.actual
    );
    assert_eq!(tally.lost(), 400_000 - tally.actual);
}

#[test]
fn one_process_alone_loses_nothing_even_in_two_steps() {
    let _clean = testkit::process_scope();
    let tally = count(1, 50_000, Increment::LoadThenStore);
    assert_eq!(
        tally.actual, 50_000,
        "with a single process nobody can store between its load and its store"
    );
}

fn line_value(out: &str, label: &str) -> u64 {
    let line = out
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no line starting with {label:?} in:\n{out}"));
    line[label.len()..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number after {label:?} in {line:?}"))
}

#[test]
fn the_shared_counter_program_prints_an_exact_count() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("shared_counter"), &["3", "20000"], DEADLINE);
    assert!(
        run.status.success(),
        "shared_counter failed:\n{}",
        run.stderr
    );
    assert_eq!(
        line_value(&run.stdout, "expected:"),
        60_000,
        "{}",
        run.stdout
    );
    assert_eq!(line_value(&run.stdout, "actual:"), 60_000, "{}", run.stdout);
    assert_eq!(line_value(&run.stdout, "lost:"), 0, "{}", run.stdout);
}

#[test]
fn the_lost_updates_program_accounts_for_every_increment() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("lost_updates"), &["4", "100000"], DEADLINE);
    assert!(run.status.success(), "lost_updates failed:\n{}", run.stderr);
    let expected = line_value(&run.stdout, "expected:");
    let actual = line_value(&run.stdout, "actual:");
    let lost = line_value(&run.stdout, "lost:");
    assert_eq!(expected, 400_000, "{}", run.stdout);
    assert!(
        actual <= expected,
        "more increments than were made:\n{}",
        run.stdout
    );
    assert_eq!(
        actual + lost,
        expected,
        "actual + lost should be expected:\n{}",
        run.stdout
    );
}
