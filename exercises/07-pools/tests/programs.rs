//! The chapter's programs, run from outside.

use testkit::{DEADLINE, bin_path, run_program};

#[test]
fn pool_map_prints_the_squares_three_times() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("pool_map"), &[], DEADLINE);
    assert!(run.status.success(), "pool_map failed: {}", run.stderr);
    assert_eq!(
        run.count_lines_containing("[1, 4, 9, 16, 25]"),
        3,
        "one line per pool:\n{}",
        run.stdout
    );
    // "  ran in          [pid, pid, ...] (parent pid)"
    let numbers = |text: &str| -> Vec<i32> {
        text.split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect()
    };
    let line = run.lines()[1];
    let (workers, parent) = line
        .split_once("(parent")
        .expect("a line naming the parent");
    let parent = numbers(parent);
    for pid in numbers(workers) {
        assert!(!parent.contains(&pid), "a task ran in the parent: {line}");
    }
}

#[test]
fn worker_crash_reports_the_signal_and_goes_on() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("worker_crash"), &[], DEADLINE);
    assert!(run.status.success(), "worker_crash failed: {}", run.stderr);
    let failed = run
        .lines()
        .into_iter()
        .find(|l| l.starts_with("map failed"))
        .unwrap_or_else(|| panic!("no 'map failed' line:\n{}", run.stdout));
    assert!(
        failed.contains("killed by signal 9 (SIGKILL)") && failed.contains("items 2..3"),
        "the error should name the signal and the items: {failed}"
    );
    assert_eq!(
        run.count_lines_containing("map again:      [1, 4, 9, 16, 25, 36, 49, 64]"),
        1,
        "the pool should work again after the crash:\n{}",
        run.stdout
    );
}

#[test]
fn pool_timeline_writes_three_pictures() {
    let _clean = testkit::process_scope();
    let folder = std::env::temp_dir().join(format!("pool-timeline-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let run = run_program(
        bin_path!("pool_timeline"),
        &[folder.to_str().unwrap()],
        DEADLINE,
    );
    assert!(run.status.success(), "pool_timeline failed: {}", run.stderr);
    for name in [
        "timeline-processes.svg",
        "timeline-threads.svg",
        "timeline-rayon.svg",
    ] {
        let svg = std::fs::read_to_string(folder.join(name))
            .unwrap_or_else(|e| panic!("{name} was not written: {e}"));
        assert!(svg.starts_with("<svg"), "{name} is not an SVG");
        assert!(
            run.stdout.contains(&format!("{name}: 32 bars on ")),
            "{name}: one bar per item expected:\n{}",
            run.stdout
        );
    }
    std::fs::remove_dir_all(&folder).unwrap();
}

#[test]
fn shared_pool_timeline_draws_the_chunks_and_the_parents_copies() {
    let _clean = testkit::process_scope();
    let folder = std::env::temp_dir().join(format!("shared-pool-timeline-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let run = run_program(
        bin_path!("shared_pool_timeline"),
        &[folder.to_str().unwrap()],
        DEADLINE,
    );
    assert!(
        run.status.success(),
        "shared_pool_timeline failed: {}",
        run.stderr
    );
    let svg = std::fs::read_to_string(folder.join("timeline-shared-pool.svg"))
        .unwrap_or_else(|e| panic!("timeline-shared-pool.svg was not written: {e}"));
    assert!(
        svg.starts_with("<svg"),
        "timeline-shared-pool.svg is not an SVG"
    );
    // 10^6 items on 2 workers: Python's chunk size makes 8 chunks, each with
    // a bar on a worker's lane.
    assert!(
        run.stdout.contains("workers: 8 chunks"),
        "one bar per chunk expected (8 chunks of 125 000):\n{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("on 3 lanes"),
        "the parent's lane and one per worker expected:\n{}",
        run.stdout
    );
    std::fs::remove_dir_all(&folder).unwrap();
}
