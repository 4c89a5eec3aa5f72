//! Tests of the deadlock demo, from outside: the program really deadlocks
//! without the lock order, says so, exits; and finishes with it.

use locks::demos::deadlock::{Event, LockOrder, Outcome, run_transfers};
use std::time::Duration;
use testkit::{DEADLINE, bin_path, run_program};

#[test]
fn the_program_detects_the_deadlock_and_exits() {
    let run = run_program(bin_path!("deadlock"), &[], DEADLINE);
    assert_eq!(
        run.status.code(),
        Some(1),
        "deadlock (without --ordered) should report the deadlock and exit with code 1; \
         it printed:\n{}",
        run.stdout
    );
    for line in [
        "DEADLOCK: no progress",
        "alice holds account 1 and waits for account 2",
        "bob holds account 2 and waits for account 1",
    ] {
        assert!(
            run.stdout.contains(line),
            "expected {line:?} in:\n{}",
            run.stdout
        );
    }
    assert_eq!(
        run.count_lines_containing("moved"),
        0,
        "no transfer can have gone through"
    );
}

#[test]
fn the_ordered_program_finishes_and_keeps_the_money() {
    let run = run_program(bin_path!("deadlock"), &["--ordered"], DEADLINE);
    assert!(
        run.status.success(),
        "deadlock --ordered should finish; it printed:\n{}",
        run.stdout
    );
    assert_eq!(
        run.count_lines_containing(": moved"),
        2,
        "both transfers should go through:\n{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("done: account 1 holds 110, account 2 holds 90"),
        "100 - 10 + 20 and 100 + 10 - 20 expected:\n{}",
        run.stdout
    );
}

#[test]
fn ordered_transfers_both_lock_account_1_first() {
    let mut events = Vec::new();
    let outcome = run_transfers(LockOrder::ById, DEADLINE, |e| events.push(*e));
    assert_eq!(
        outcome,
        Outcome::Finished {
            balances: [110, 90]
        }
    );
    for who in ["alice", "bob"] {
        let first_lock = events.iter().find_map(|e| match e {
            Event::Locked { who: w, account } if *w == who => Some(*account),
            _ => None,
        });
        assert_eq!(
            first_lock,
            Some(1),
            "{who} should lock account 1 first: {events:?}"
        );
    }
}

#[test]
fn a_wrong_argument_is_refused() {
    let run = run_program(
        bin_path!("deadlock"),
        &["--sideways"],
        Duration::from_secs(20),
    );
    assert_eq!(run.status.code(), Some(2), "{}", run.stderr);
}
