//! Tests of the barrier demo and its program.

use locks::demos::barrier::{Step, phased_sum};
use testkit::{DEADLINE, bin_path, run_program, within};

#[test]
fn every_worker_finishes_phase_1_before_anyone_starts_phase_2() {
    for _ in 0..20 {
        let run = within(
            DEADLINE,
            "phased_sum",
            "deadlock: a worker never reached the barrier",
            || phased_sum(4, 1_000),
        );
        let first_phase_2 = run
            .log
            .iter()
            .position(|s| matches!(s, Step::Phase2Done { .. }))
            .expect("no worker finished phase 2");
        let last_phase_1 = run
            .log
            .iter()
            .rposition(|s| matches!(s, Step::Phase1Done { .. }))
            .expect("no worker finished phase 1");
        assert!(
            last_phase_1 < first_phase_2,
            "a worker finished phase 2 before all had finished phase 1: {:?}",
            run.log
        );
        assert_eq!(run.log.len(), 8, "4 workers x 2 phases: {:?}", run.log);
        assert_eq!(
            run.totals,
            vec![500_500; 4],
            "every worker should find 1 + ... + 1000"
        );
        assert_eq!(
            run.leaders, 1,
            "Barrier::wait names exactly one leader per phase"
        );
    }
}

#[test]
fn the_barrier_program_prints_all_phase_1_lines_first() {
    let run = run_program(bin_path!("barrier_phases"), &[], DEADLINE);
    assert!(
        run.status.success(),
        "barrier_phases failed: {}",
        run.stderr
    );
    let lines = run.lines();
    let phase_1 = lines
        .iter()
        .take(4)
        .filter(|l| l.contains("stored its partial sum"))
        .count();
    let phase_2 = lines
        .iter()
        .skip(4)
        .take(4)
        .filter(|l| l.contains("added up"))
        .count();
    assert_eq!(
        (phase_1, phase_2),
        (4, 4),
        "expected 4 phase-1 lines then 4 phase-2 lines:\n{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("totals: [500500, 500500, 500500, 500500]"),
        "{}",
        run.stdout
    );
}
