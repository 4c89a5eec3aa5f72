//! Tests of the daemon-threads example: `cargo test -p threads --test daemon`.

use testkit::{DEADLINE, bin_path, run_program};

#[test]
fn main_returns_without_waiting_for_the_detached_singer() {
    // If the process waited for the singer, which loops forever, run_program
    // would kill it at the deadline and fail this test.
    let run = run_program(bin_path!("daemon_threads"), &[], DEADLINE);
    assert!(
        run.status.success(),
        "daemon_threads should exit normally when main returns: {}\n{}",
        run.status,
        run.stderr
    );
    assert_eq!(
        run.count_lines_containing("Dancing..."),
        5,
        "the joined dancer dances exactly 5 times; the program printed:\n{}",
        run.stdout
    );
    assert!(
        run.count_lines_containing("Singing...") >= 1,
        "main waits until the singer has sung once; the program printed:\n{}",
        run.stdout
    );
    assert_eq!(
        run.lines().last().copied(),
        Some("main: the dancer is done; returning while the singer sings"),
        "main's line must be the last one: nothing runs after main returns"
    );
}
