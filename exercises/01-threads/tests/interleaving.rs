//! Tests of the singing-and-dancing example: `cargo test -p threads --test interleaving`.

use testkit::{DEADLINE, bin_path, run_program};

#[test]
fn both_performers_finish_and_main_speaks_last() {
    let run = run_program(bin_path!("sing_and_dance"), &[], DEADLINE);
    assert!(
        run.status.success(),
        "sing_and_dance failed: {}\n{}",
        run.status,
        run.stderr
    );
    assert_eq!(
        run.count_lines_containing("Singing..."),
        3,
        "the singer sings 3 times; the program printed:\n{}",
        run.stdout
    );
    assert_eq!(
        run.count_lines_containing("Dancing..."),
        5,
        "the dancer dances 5 times; the program printed:\n{}",
        run.stdout
    );
    // The order of the 8 performance lines is up to the scheduler: only the
    // last line is fixed, because main joins both threads before printing it.
    assert_eq!(
        run.lines().last().copied(),
        Some("main: the show is over"),
        "main joins both performers before its last line"
    );
    assert_eq!(
        run.lines().len(),
        9,
        "3 + 5 performance lines and main's line"
    );
}
