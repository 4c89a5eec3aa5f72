//! Tests of the chapter's lab of two hosts (`src/bin/lab.rs`):
//! `cargo test -p beyond --test lab`. They need the lab up (as root:
//! `cargo run -p beyond --bin lab -- up`) and are skipped with a message
//! otherwise.

mod support;

use std::process::Command;
use std::time::Duration;

use support::{Setup, lab_or_skip, mpirun_with, number_after};
use testkit::{Limits, NotRun, run_command};

/// How long a job may take to end once one of its ranks is killed. Open MPI
/// notices within a second or two (the daemon of the killed rank's host sees
/// its child die); this bound only tells an end from a hang.
const END_AFTER_KILL: Duration = Duration::from_secs(60);

#[test]
fn ranks_take_turns_on_the_two_hosts() {
    let _clean = support::scope();
    if !lab_or_skip("ranks_take_turns_on_the_two_hosts") {
        return;
    }
    let run = mpirun_with(
        Setup {
            across_hosts: true,
            ..Setup::default()
        },
        testkit::bin_path!("ranks"),
        4,
        &[],
        "MPI did not start across the lab: `lab status` shows the hosts, and `lab mpirun` \
         the command line",
    );
    run.assert_ended();
    for rank in 0..4u32 {
        let line = run.line(rank, &format!("rank {rank} of 4: pid"));
        let host = if rank % 2 == 0 {
            "mpilab-h1"
        } else {
            "mpilab-h2"
        };
        assert!(
            line.contains(&format!(" on {host} ")),
            "rank {rank} should run on {host} (`--map-by node` deals the ranks out in turn), \
             but it said {line:?}.\n{}",
            run.describe()
        );
        assert!(number_after(line, "pid") > 0, "{line}");
    }
}

#[test]
fn a_rank_killed_on_one_host_ends_the_job_with_an_error() {
    let _clean = support::scope();
    if !lab_or_skip("a_rank_killed_on_one_host_ends_the_job_with_an_error") {
        return;
    }
    let mut demo = Command::new(testkit::bin_path!("lab"));
    demo.arg("kill-demo");
    let limits = Limits {
        until_first_output: None,
        // The demo gives the ranks a minute to start and mpirun a minute to
        // end; past both, the demo itself is stuck.
        in_all: Duration::from_secs(150),
        own_group: true,
    };
    let outcome = run_command(&mut demo, limits);
    // What the demo's mpirun left behind when it ended was handed to us.
    support::reap_orphans();
    let run = match outcome {
        Ok(run) => run,
        Err(NotRun::Start(e)) => panic!("cannot run `lab kill-demo`: {e}"),
        Err(NotRun::Overstayed { stdout, stderr, .. }) => {
            panic!("`lab kill-demo` hung:\n{stdout}\n{stderr}")
        }
    };
    assert!(
        run.status.success(),
        "`lab kill-demo` failed ({}):\n{}\n{}",
        run.status,
        run.stdout,
        run.stderr
    );
    let report = &run.stdout;
    let ended = report
        .lines()
        .find(|l| l.starts_with("mpirun ended "))
        .unwrap_or_else(|| {
            panic!(
                "after one rank was killed, mpirun was still running {END_AFTER_KILL:?} later: \
                 the other ranks hang in a collective that the dead rank never joins, and \
                 nothing ended the job.\n{report}"
            )
        });
    let seconds: f64 = ended
        .split_whitespace()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no time in {ended:?}"));
    assert!(
        !ended.ends_with("exit status: 0"),
        "mpirun reported success although rank 1 was killed: {ended:?}\n{report}"
    );
    assert!(
        seconds < END_AFTER_KILL.as_secs_f64(),
        "mpirun took {seconds} s to end after the kill\n{report}"
    );
    assert!(
        report.contains("rank 1") && report.contains("mpilab-h2"),
        "the report should name the killed rank and its host:\n{report}"
    );
}
