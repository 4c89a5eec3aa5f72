//! Tests of the chapter's worked examples, each run under `mpirun`:
//! `cargo test -p beyond --test demos`.

mod support;

use support::{Setup, mpirun, mpirun_quiet_until_done, mpirun_with, number_after};

#[test]
fn each_rank_knows_its_rank_the_size_and_its_own_pid() {
    let _clean = support::scope();
    let run = mpirun(testkit::bin_path!("ranks"), 4, &[], "MPI did not start");
    let mut pids = Vec::new();
    for rank in 0..4 {
        let line = run.line(rank, &format!("rank {rank} of 4: pid"));
        pids.push(number_after(line, "pid"));
    }
    pids.sort_unstable();
    pids.dedup();
    assert_eq!(
        pids.len(),
        4,
        "four ranks are four processes with four pids: {pids:?}"
    );
}

#[test]
fn ping_pong_reports_a_round_trip_time() {
    let _clean = support::scope();
    let run = mpirun(
        testkit::bin_path!("ping_pong"),
        2,
        &["1024", "50"],
        "a send without a receive",
    );
    let line = run.line(0, "1024 bytes, 50 round trips");
    assert!(
        line.contains("us per round trip") && line.contains("MB/s"),
        "{line}"
    );
    assert!(
        run.rank_lines(1).is_empty(),
        "rank 1 only echoes: {:?}",
        run.rank_lines(1)
    );
}

/// Whether two ranks that both send first get through depends on whether
/// MPI buffers the message (Open MPI does for small ones): an implementation
/// detail, not asserted here. What the standard does promise: with
/// synchronous sends (which any send may be), sending first deadlocks, and
/// `send_receive` never does, whatever the size.
#[test]
fn sending_first_deadlocks_without_buffering_and_send_receive_never_does() {
    let _clean = support::scope();
    match support::try_mpirun(
        Setup::SYNCHRONOUS,
        testkit::bin_path!("send_deadlock"),
        2,
        &["64"],
    ) {
        support::Ended::Overstayed(..) => {}
        support::Ended::Exited(run) => panic!(
            "two ranks that both send first, with synchronous sends, should deadlock; the \
             run ended ({}) instead:\n{}",
            run.status,
            run.describe()
        ),
    }
    for (setup, bytes) in [
        (Setup::SYNCHRONOUS, "64"),
        (Setup::default(), "8000000"),
        (Setup::SYNCHRONOUS, "8000000"),
    ] {
        let run = mpirun_with(
            setup,
            testkit::bin_path!("send_deadlock"),
            2,
            &[bytes, "--together"],
            "send_receive deadlocked",
        );
        run.assert_ended();
        for rank in 0..2 {
            let line = run.line(rank, &format!("rank {rank} received"));
            assert_eq!(number_after(line, "received").to_string(), bytes, "{line}");
        }
    }
}

#[test]
fn mpi_measure_refuses_a_single_rank() {
    let _clean = support::scope();
    match support::try_mpirun(
        Setup::default(),
        testkit::bin_path!("mpi_measure"),
        1,
        &["1"],
    ) {
        support::Ended::Exited(run) => assert!(
            !run.status.success() && run.other.contains("needs at least two ranks"),
            "mpi_measure with one rank should stop with `needs at least two ranks`; it ended \
             ({}):\n{}",
            run.status,
            run.describe()
        ),
        support::Ended::Overstayed(after, run) => panic!(
            "mpi_measure with one rank hung for {after:?} instead of refusing:\n{}",
            run.describe()
        ),
    }
}

#[test]
fn scatter_gather_squares_in_rank_order() {
    let _clean = support::scope();
    let run = mpirun(
        testkit::bin_path!("square_map"),
        4,
        &["3"],
        "a collective mismatch",
    );
    let squares: Vec<String> = (0..12u64).map(|x| (x * x).to_string()).collect();
    assert_eq!(
        run.line(0, "rank 0 gathered"),
        format!("rank 0 gathered [{}]", squares.join(", "))
    );
}

#[test]
fn reduce_reaches_rank_zero_and_all_reduce_every_rank() {
    let _clean = support::scope();
    let run = mpirun(
        testkit::bin_path!("shared_count"),
        4,
        &["1000"],
        "a collective mismatch",
    );
    assert_eq!(
        run.line(0, "rank 0:"),
        "rank 0: reduce gave 4000, all_reduce gave 4000"
    );
    for rank in 1..4 {
        assert_eq!(
            run.line(rank, &format!("rank {rank}:")),
            format!("rank {rank}: all_reduce gave 4000")
        );
    }
}

#[test]
fn no_rank_starts_phase_two_before_every_rank_finished_phase_one() {
    let _clean = support::scope();
    let run = mpirun(
        testkit::bin_path!("barrier"),
        4,
        &[],
        "a rank never reached the barrier",
    );
    let times: Vec<(u64, u64)> = (0..4)
        .map(|rank| {
            let line = run.line(rank, &format!("rank {rank}: finished"));
            (
                number_after(line, "at"),
                number_after(line.split_once(", ").unwrap().1, "at"),
            )
        })
        .collect();
    let last_finished = times.iter().map(|t| t.0).max().unwrap();
    let first_started = times.iter().map(|t| t.1).min().unwrap();
    assert!(
        first_started >= last_finished,
        "a rank started phase 2 at {first_started} ns, before the last rank finished phase 1 at {last_finished} ns"
    );
}

#[test]
fn the_measurements_come_out_as_one_json_line_on_rank_zero() {
    let _clean = support::scope();
    let run = mpirun_quiet_until_done(
        testkit::bin_path!("mpi_measure"),
        2,
        &["1"],
        "a measurement deadlocked",
    );
    let line = run.line(0, "{");
    for key in ["round_trip_us", "bandwidth_mb_s", "square_map_ms"] {
        let value: f64 = line
            .split_once(&format!("\"{key}\": "))
            .and_then(|(_, rest)| rest.split([',', '}']).next())
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no number for {key} in {line}"));
        assert!(
            value > 0.0 && value.is_finite(),
            "{key} = {value} in {line}"
        );
    }
    assert!(
        run.rank_lines(1).is_empty(),
        "only rank 0 reports: {:?}",
        run.rank_lines(1)
    );
}

#[test]
fn heartbeat_ranks_agree_on_when_to_stop() {
    let _clean = support::scope();
    let run = mpirun(
        testkit::bin_path!("heartbeat"),
        2,
        &["1"],
        "a rank left waiting in an all_reduce the others no longer call",
    );
    let rounds: Vec<u64> = (0..2u32)
        .map(|rank| {
            assert!(
                run.line(rank, &format!("rank {rank} of 2: pid"))
                    .ends_with(": running"),
                "rank {rank} should say it runs before its first round"
            );
            number_after(
                run.line(rank, &format!("rank {rank}:")),
                &format!("{rank}:"),
            )
        })
        .collect();
    assert_eq!(
        rounds[0], rounds[1],
        "the ranks stop together (the stop is a maximum over all of them), so they make \
         the same number of rounds; they made {rounds:?}"
    );
}
