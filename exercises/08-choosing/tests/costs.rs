//! Tests of the start-up cost measurements and of `spawn_costs`. They check
//! that each kind of start really happens and is waited for, never how long
//! it takes.

use choosing::demos::costs::{fork_join, program_spawn_wait, thread_spawn_join};
use testkit::{DEADLINE, bin_path, run_program};

#[test]
fn each_measurement_starts_and_waits_for_every_run() {
    let _clean = testkit::process_scope();
    for cost in [
        thread_spawn_join(5).unwrap(),
        fork_join(5).unwrap(),
        program_spawn_wait(5).unwrap(),
    ] {
        assert_eq!(cost.runs, 5, "{}", cost.what);
        assert!(
            !cost.mean.is_zero(),
            "{}: starting something takes some time",
            cost.what
        );
    }
    // process_scope checks, when dropped, that every child was reaped.
}

#[test]
fn spawn_costs_prints_one_line_per_kind() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("spawn_costs"), &["3"], DEADLINE);
    assert!(run.status.success(), "spawn_costs failed:\n{}", run.stderr);
    for what in [
        "thread: spawn + join",
        "process: fork + wait",
        "program: spawn `true` + wait",
    ] {
        assert_eq!(
            run.count_lines_containing(what),
            1,
            "no line for {what:?} in:\n{}",
            run.stdout
        );
    }
}
