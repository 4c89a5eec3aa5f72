//! Tests of the exercise `spread_map`: `cargo test -p beyond --test spread_map`.
//! Each runs the `spread_squares` program under `mpirun`.

mod support;

use support::{mpirun, number_after};

fn check_spread(size: u32, n: u64) {
    let run = mpirun(
        testkit::bin_path!("spread_squares"),
        size,
        &[&n.to_string()],
        "a rank waits in a collective call that another rank never makes: every rank \
         must call the same collectives (broadcast, scatter, gather) in the same order",
    );
    let shares: Vec<u64> = (0..size)
        .map(|rank| number_after(run.line(rank, &format!("rank {rank} squared")), "squared"))
        .collect();
    let done: u64 = shares.iter().sum();
    assert!(
        shares.iter().all(|&s| s > 0) || n < u64::from(size),
        "with {size} ranks and {n} numbers, shares were {shares:?}: a rank squared nothing. \
         The work must be spread over every rank, rank 0 included (scatter), not done \
         on rank 0 alone.\n{}",
        run.describe()
    );
    assert_eq!(
        done,
        n,
        "with {size} ranks and {n} numbers, the ranks squared {done} numbers in all \
         (shares {shares:?}): every number must be squared exactly once; when {n} does not \
         divide by {size}, the last {} numbers must not be dropped.\n{}",
        n % u64::from(size),
        run.describe()
    );
    let (low, high) = (shares.iter().min().unwrap(), shares.iter().max().unwrap());
    assert!(
        high - low <= 1,
        "with {size} ranks and {n} numbers, shares were {shares:?}: shares must differ by at \
         most one (give the {} extra numbers to different ranks, not all to one).\n{}",
        n % u64::from(size),
        run.describe()
    );
    let result = run.line(0, "rank 0 result");
    let got: Vec<u64> = result
        .trim_start_matches("rank 0 result")
        .trim()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().expect("a number"))
        .collect();
    let want: Vec<u64> = (0..n).map(|x| x * x).collect();
    assert_eq!(
        got,
        want,
        "with {size} ranks, rank 0 should return the squares of 0..{n} in input order: \
         gather the shares back in rank order, at the offsets they were scattered from.\n{}",
        run.describe()
    );
    for rank in 1..size {
        assert!(
            run.rank_lines(rank).iter().all(|l| !l.contains("result")),
            "rank {rank} returned Some(..): only rank 0 returns the results, the others None"
        );
    }
}

#[test]
fn squares_spread_evenly_over_two_and_four_ranks() {
    let _clean = testkit::process_scope();
    check_spread(2, 8);
    check_spread(4, 10);
}

#[test]
fn uneven_and_tiny_inputs() {
    let _clean = testkit::process_scope();
    check_spread(2, 7);
    check_spread(4, 3);
}
