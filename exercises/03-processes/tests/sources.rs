//! The source tutorials' examples, run as programs and checked from outside.

use std::io;

use processes::demos::api::proc_state;
use processes::demos::process::{ExitStatus, Process};
use processes::demos::run_trait::{PrintNumbersProcess, start};
use processes::demos::sources::start_and_join;
use testkit::{DEADLINE, bin_path, run_program};

/// The number after `prefix` on the line that starts with it.
fn number_after(lines: &[&str], prefix: &str) -> Vec<i32> {
    lines
        .iter()
        .filter_map(|l| l.strip_prefix(prefix))
        .map(|n| {
            n.trim()
                .parse()
                .unwrap_or_else(|_| panic!("not a number after {prefix:?}: {n:?}"))
        })
        .collect()
}

#[test]
fn children_report_the_parents_pid() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("pid_ppid"), &[], DEADLINE);
    assert!(run.status.success(), "pid_ppid failed: {}", run.stderr);
    let lines = run.lines();
    let main = number_after(&lines, "Main process ID:");
    let children = number_after(&lines, "Child process ID:");
    let parents = number_after(&lines, "Parent process ID:");
    assert_eq!(
        main.len(),
        1,
        "one 'Main process ID' line expected:\n{}",
        run.stdout
    );
    assert_eq!(
        children.len(),
        2,
        "each child prints its pid once:\n{}",
        run.stdout
    );
    assert_ne!(children[0], children[1], "two children, two pids");
    assert!(
        !children.contains(&main[0]),
        "a child has its own pid, not the parent's"
    );
    assert_eq!(
        parents, main,
        "the singer's parent pid must be the main process's pid"
    );
    assert_eq!(
        run.count_lines_containing("Xiaohong dancing..."),
        2,
        "count=2 (the keyword argument)"
    );
    for i in 1..=3 {
        let line = format!("Ming performing song... {i} time(s)");
        assert_eq!(
            run.count_lines_containing(&line),
            1,
            "missing {line:?}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn simple_process_prints_one_to_five_before_finishing() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("simple_process"), &[], DEADLINE);
    assert!(
        run.status.success(),
        "simple_process failed: {}",
        run.stderr
    );
    assert_eq!(
        run.lines(),
        ["1", "2", "3", "4", "5", "Process finished execution"],
        "the parent prints its last line only after join, so it must come last"
    );
}

#[test]
fn run_trait_changes_stay_in_the_child() {
    let _clean = testkit::process_scope();
    // Only the child prints; keep it quiet by printing nothing (from > to).
    let mut task = PrintNumbersProcess {
        from: 1,
        to: 0,
        printed: 7,
    };
    // SAFETY: from > to, so `run` prints nothing and returns its count.
    let status = unsafe { start(&mut task) }
        .expect("fork failed")
        .join()
        .expect("join failed");
    assert_eq!(
        status,
        ExitStatus::Exited(7),
        "the child returns its own count, unchanged when nothing is printed"
    );
    let run = run_program(bin_path!("run_trait"), &[], DEADLINE);
    assert!(run.status.success(), "run_trait failed: {}", run.stderr);
    let lines = run.lines();
    assert_eq!(
        lines[..6],
        ["1", "2", "3", "4", "5", "Process finished execution"]
    );
    assert_eq!(
        lines[6], "the child counted 5 (its exit code); the parent's copy says 0",
        "the child counted 5 in its copy of the task; the parent's copy must still say 0"
    );
}

#[test]
fn five_workers_all_run_and_are_all_joined() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("five_workers"), &[], DEADLINE);
    assert!(run.status.success(), "five_workers failed: {}", run.stderr);
    let lines = run.lines();
    let mut workers: Vec<i32> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("Worker: "))
        .map(|rest| rest.split(' ').next().unwrap().parse().unwrap())
        .collect();
    workers.sort();
    assert_eq!(
        workers,
        [0, 1, 2, 3, 4],
        "each worker prints once (in any order):\n{}",
        run.stdout
    );
    let finished = lines
        .iter()
        .position(|l| *l == "All processes finished execution");
    assert_eq!(
        finished,
        Some(5),
        "the last line comes after all five workers, since all were joined:\n{}",
        run.stdout
    );
    assert_eq!(
        lines[6],
        "exit statuses: exited with code 0, exited with code 1, exited with code 2, exited with code 3, exited with code 4",
        "join returns each worker's own exit code, in the order they were started"
    );
}

#[test]
fn five_workers_leave_no_zombie_when_a_fork_fails() {
    let _clean = testkit::process_scope();
    let mut pids = Vec::new();
    // The fourth fork "fails" the way fork fails when the process table is
    // full (EAGAIN); the first three workers have already started.
    let result = start_and_join(5, |i| {
        if i == 3 {
            return Err(io::Error::from_raw_os_error(nix::libc::EAGAIN));
        }
        // SAFETY: the worker only returns its number.
        let worker = unsafe { Process::start(move || i) }?;
        pids.push(worker.pid());
        Ok(worker)
    });
    assert!(
        result.is_err(),
        "the failed start must be reported as an error, got {result:?}"
    );
    for pid in pids {
        assert_eq!(
            proc_state(pid),
            None,
            "worker pid {pid} was left behind (a zombie, or running) when a later fork \
             failed: join the workers already started before returning the error"
        );
    }
}
