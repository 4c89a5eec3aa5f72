//! One method for every pair: a throughput row times the steady state only
//! (its processes start before the clock), and both sides of a row do the
//! same amount of work per measurement.

use std::collections::BTreeMap;

use bench::report::{Row, Unit, rows, unequal_work};
use bench::{python, suite};

fn rust_quick_iters() -> BTreeMap<String, u64> {
    suite::all()
        .into_iter()
        .map(|bench| (bench.id(), bench.quick_iters))
        .collect()
}

#[test]
fn both_sides_of_every_throughput_row_move_the_same_number_of_messages() {
    let python = python::quick_ops().expect("python3 tools/bench/python/harness.py --list");
    // The MPI rows are timed inside the ranks by programs that take their
    // counts from the same constants (src/mpi.rs), not by these harnesses.
    let rows: Vec<Row> = rows()
        .into_iter()
        .filter(|row| !row.section.starts_with("mpi"))
        .collect();
    let problems = unequal_work(&rows, &rust_quick_iters(), &python);
    assert!(
        problems.is_empty(),
        "these throughput rows run different amounts of work on their two sides in a \
         --quick run (suite.rs quick_iters against the Python BENCHMARKS' quick ops):\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_row_whose_sides_run_different_amounts_of_work_is_rejected() {
    let row = Row {
        section: "pipes",
        title: "Pipe, mixed",
        rust: Some("pipe/framed_64k"),
        python: Some("pipe/send_bytes"),
        floor: Some("pipe/raw_64k_floor"),
        unit: Unit::Bytes(65536.0),
        ..Row::TIMED
    };
    let rust = BTreeMap::from([
        ("pipe/framed_64k".to_string(), 2000),
        ("pipe/raw_64k_floor".to_string(), 2000),
    ]);
    let python = BTreeMap::from([("pipe/send_bytes".to_string(), 500)]);
    let problems = unequal_work(std::slice::from_ref(&row), &rust, &python);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("Python pipe/send_bytes: 500"),
        "{problems:?}"
    );
    let start_up = Row {
        unit: Unit::Time,
        ..row
    };
    assert!(
        unequal_work(&[start_up], &rust, &python).is_empty(),
        "a start-up row (time per start) may run fewer starts on one side"
    );
}

#[test]
fn a_throughput_workload_that_forks_while_its_clock_runs_is_rejected() {
    // The mistake the old pipe rows made: the fork inside the timed part.
    let mixed = std::panic::catch_unwind(|| {
        bench::steady::timed(|| {
            // SAFETY: never reached: start_at_line refuses before forking.
            let _ = unsafe { bench::steady::start_at_line(|| 0) };
        })
    });
    assert!(
        mixed.is_err(),
        "a fork inside `timed` must panic, or start-up leaks into a throughput figure"
    );
}
