//! Tests of the spawn-and-join example: `cargo test -p threads --test spawning`.

use testkit::{DEADLINE, bin_path, run_program};

#[test]
fn spawn_join_prints_the_numbers_then_the_main_line() {
    let run = run_program(bin_path!("spawn_join"), &[], DEADLINE);
    assert!(
        run.status.success(),
        "spawn_join failed: {}\n{}",
        run.status,
        run.stderr
    );
    let mut expected: Vec<String> = (1..=10).map(|i| i.to_string()).collect();
    expected.push("main: the printing thread has finished".to_string());
    assert_eq!(
        run.lines(),
        expected,
        "expected 1 to 10 from the thread, then main's line: main joins the thread before it \
         prints, so its line must come last"
    );
}
