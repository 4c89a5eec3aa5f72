//! Spawning programs with `std::process::Command`.

use testkit::{DEADLINE, bin_path, run_program};

#[test]
fn the_worker_program_exits_with_its_number() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("worker"), &["7"], DEADLINE);
    assert_eq!(
        run.status.code(),
        Some(7),
        "worker 7 should exit with code 7: {}",
        run.stderr
    );
    let expected_parent = std::process::id().to_string();
    assert!(
        run.stdout.starts_with("Worker 7: pid ")
            && run
                .stdout
                .trim_end()
                .ends_with(&format!("parent {expected_parent}")),
        "the worker reports its parent, the test process {expected_parent}; it printed {:?}",
        run.stdout
    );
    let bad = run_program(bin_path!("worker"), &["seven"], DEADLINE);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "a bad argument is a usage error (exit code 2)"
    );
    assert!(
        bad.stderr.contains("usage"),
        "and it says how to use it: {:?}",
        bad.stderr
    );
}

#[test]
fn spawn_workers_program_children_name_the_spawner_as_parent() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("spawn_workers"), &[], DEADLINE);
    assert!(run.status.success(), "spawn_workers failed: {}", run.stderr);
    let lines = run.lines();
    let spawner = lines[0]
        .strip_prefix("spawner pid: ")
        .expect("first line: spawner pid");
    for num in 0..5 {
        let worker_line = lines
            .iter()
            .find(|l| l.starts_with(&format!("Worker {num}: ")))
            .unwrap_or_else(|| panic!("worker {num} printed nothing:\n{}", run.stdout));
        assert!(
            worker_line.ends_with(&format!("parent {spawner}")),
            "{worker_line}: the spawner is the parent"
        );
        assert!(
            lines.contains(&format!("worker {num}: exit status: {num}").as_str()),
            "missing the status of worker {num}:\n{}",
            run.stdout
        );
    }
}
