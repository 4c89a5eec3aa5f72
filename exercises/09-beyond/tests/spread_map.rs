//! Tests of the exercise `spread_map`: `cargo test -p beyond --test spread_map`.
//! Each runs the `spread_squares` program under `mpirun`. The clauses they
//! check are in `course.toml` (`[[exercise.clause]]` of `spread_map`).

mod support;

use support::{Setup, lab_or_skip, mpirun_with, number_after};

fn check_spread(setup: Setup, size: u32, n: u64) {
    let run = mpirun_with(
        setup,
        testkit::bin_path!("spread_squares"),
        size,
        &[&n.to_string()],
        "clause 4 (no rank waits forever, whether or not MPI buffers a send): a rank waits \
         in a collective call that another rank never makes, or in a `send` that nobody \
         receives yet (a rank that sends to itself before it receives, or two ranks that \
         both send first). Every rank must call the same collectives (broadcast, scatter, \
         gather) in the same order, and no program may count on MPI buffering a send",
    );
    run.assert_complete(size);
    let shares: Vec<u64> = (0..size)
        .map(|rank| number_after(run.line(rank, &format!("rank {rank} squared")), "squared"))
        .collect();
    let done: u64 = shares.iter().sum();
    assert!(
        shares.iter().all(|&s| s > 0) || n < u64::from(size),
        "clause 2 (every rank maps a share; shares differ by at most one): \
         with {size} ranks and {n} numbers, shares were {shares:?}: a rank squared nothing. \
         The work must be spread over every rank, rank 0 included (scatter), not done \
         on rank 0 alone.\n{}",
        run.describe()
    );
    assert_eq!(
        done,
        n,
        "clause 1 (every number is mapped exactly once): \
         with {size} ranks and {n} numbers, the ranks squared {done} numbers in all \
         (shares {shares:?}): every number must be squared exactly once; when {n} does not \
         divide by {size}, the last {} numbers must not be dropped.\n{}",
        n % u64::from(size),
        run.describe()
    );
    let (low, high) = (shares.iter().min().unwrap(), shares.iter().max().unwrap());
    assert!(
        high - low <= 1,
        "clause 2 (every rank maps a share; shares differ by at most one): \
         with {size} ranks and {n} numbers, shares were {shares:?}: shares must differ by at \
         most one (give the {} extra numbers to different ranks, not all to one).\n{}",
        n % u64::from(size),
        run.describe()
    );
    let want: Vec<u64> = (0..n).map(|x| x * x).collect();
    let line = run.line(0, "rank 0 digest of");
    let (count, digest) = (number_after(line, "of"), number_after(line, "results"));
    if n <= 1000 {
        let got: Vec<u64> = run
            .line(0, "rank 0 result")
            .trim_start_matches("rank 0 result")
            .trim()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().expect("a number"))
            .collect();
        assert_eq!(
            got,
            want,
            "clause 3 (the results, in input order, on rank 0 only): with {size} ranks, rank 0 \
             should return the squares of 0..{n} in input order: gather the shares back in \
             rank order, at the offsets they were scattered from.\n{}",
            run.describe()
        );
    }
    assert_eq!(
        (count, digest),
        (n, beyond::demos::collectives::digest(&want)),
        "clause 3 (the results, in input order, on rank 0 only): with {size} ranks and {n} \
         numbers, rank 0 returned {count} results, and their digest is not that of the \
         squares of 0..{n} in input order: gather the shares back in rank order, at the \
         offsets they were scattered from."
    );
    for rank in 1..size {
        assert!(
            run.rank_lines(rank).iter().all(|l| !l.contains("result")),
            "clause 3 (the results, in input order, on rank 0 only): rank {rank} returned \
             Some(..): only rank 0 returns the results, the others None"
        );
    }
    run.assert_ended();
}

#[test]
fn squares_spread_evenly_over_two_and_four_ranks() {
    let _clean = support::scope();
    check_spread(Setup::default(), 2, 8);
    check_spread(Setup::default(), 4, 10);
}

#[test]
fn uneven_and_tiny_inputs() {
    let _clean = support::scope();
    check_spread(Setup::default(), 2, 7);
    check_spread(Setup::default(), 4, 3);
}

/// Shares of 10,001 numbers (80 kB, past every eager limit of Open MPI's
/// transports), and every `send` synchronous: a program that is right only
/// because Open MPI buffers small messages deadlocks on every run.
#[test]
fn large_inputs_with_no_send_buffered() {
    let _clean = support::scope();
    check_spread(Setup::SYNCHRONOUS, 4, 10);
    check_spread(Setup::SYNCHRONOUS, 2, 20_001);
}

/// The same program, its ranks on two hosts of the chapter's lab (two
/// network namespaces joined by TCP).
#[test]
fn the_map_spreads_over_two_hosts() {
    let _clean = support::scope();
    if !lab_or_skip("the_map_spreads_over_two_hosts") {
        return;
    }
    check_spread(Setup::TWO_HOSTS, 4, 10);
    check_spread(Setup::TWO_HOSTS, 2, 20_001);
}
