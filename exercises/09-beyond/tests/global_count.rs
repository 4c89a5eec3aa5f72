//! Tests of the exercise `global_count`: `cargo test -p beyond --test global_count`.
//! Each runs the `count_primes` program under `mpirun`. The clauses they
//! check are in `course.toml` (`[[exercise.clause]]` of `global_count`).

mod support;

use support::{Setup, lab_or_skip, mpirun_with, number_after};

fn primes_below(limit: u64) -> u64 {
    (0..limit)
        .filter(|&n| {
            n >= 2
                && (2..)
                    .take_while(|d| d * d <= n)
                    .all(|d| !n.is_multiple_of(d))
        })
        .count() as u64
}

fn check_count(setup: Setup, size: u32, limit: u64) {
    let run = mpirun_with(
        setup,
        testkit::bin_path!("count_primes"),
        size,
        &[&limit.to_string()],
        "clause 4 (no rank waits forever, whether or not MPI buffers a send): a rank waits \
         in a collective call that another rank never makes, or in a `send` that nobody \
         receives yet (ranks that all send their counts before any of them receives). \
         Every rank must call the same reduction, and no program may count on MPI \
         buffering a send",
    );
    run.assert_complete(size);
    let want = primes_below(limit);
    let mut reports = Vec::new();
    for rank in 0..size {
        let line = run.line(rank, &format!("rank {rank} tested"));
        let tested = number_after(line, "tested");
        if tested > 0 {
            let (from, to) = (number_after(line, "from"), number_after(line, "to"));
            assert_eq!(
                to - from + 1,
                tested,
                "clause 2 (one contiguous slice per rank; shares differ by at most one): \
                 rank {rank} tested {tested} numbers between {from} and {to}: each rank tests \
                 one contiguous slice of 0..{limit}.\n{}",
                run.describe()
            );
        }
        reports.push((
            tested,
            number_after(line, "sum"),
            number_after(line, "total"),
        ));
    }
    let shares: Vec<u64> = reports.iter().map(|r| r.0).collect();
    let tested_total: u64 = shares.iter().sum();
    let sum_total: u64 = reports.iter().map(|r| r.1).sum();
    assert_eq!(
        (tested_total, sum_total),
        (limit, limit * (limit - 1) / 2),
        "clause 1 (every number is tested exactly once): \
         with {size} ranks, the ranks tested {tested_total} numbers (shares {shares:?}) whose \
         sum is {sum_total}; 0..{limit} has {limit} numbers whose sum is {}: {}.\n{}",
        limit * (limit - 1) / 2,
        if tested_total > limit {
            "some numbers were tested by more than one rank: each rank must test only its \
             own slice"
        } else {
            "some numbers were tested by no rank: the slices must cover 0..limit with no gap \
             at their edges (each slice ends where the next begins)"
        },
        run.describe()
    );
    let (low, high) = (shares.iter().min().unwrap(), shares.iter().max().unwrap());
    assert!(
        high - low <= 1,
        "clause 2 (one contiguous slice per rank; shares differ by at most one): \
         with {size} ranks and limit {limit}, shares were {shares:?}: they must differ by at \
         most one (give the {} extra numbers to different ranks, not all to one).\n{}",
        limit % u64::from(size),
        run.describe()
    );
    for (rank, &(_, _, total)) in reports.iter().enumerate() {
        assert_eq!(
            total,
            want,
            "clause 3 (every rank returns the total): \
             with {size} ranks, rank {rank} returned {total}, but there are {want} primes below \
             {limit}: every rank must return the total of all ranks' counts (all_reduce), not \
             its own count, and not a total that only rank 0 received (reduce).\n{}",
            run.describe()
        );
    }
    run.assert_ended();
}

#[test]
fn every_rank_knows_the_total_with_two_and_four_ranks() {
    let _clean = support::scope();
    check_count(Setup::default(), 2, 1000);
    check_count(Setup::default(), 4, 1003);
}

/// Every `send` synchronous: counts exchanged with sends that all come
/// before the receives get through only because Open MPI buffers small
/// messages, and deadlock here on every run.
#[test]
fn the_total_arrives_when_no_send_is_buffered() {
    let _clean = support::scope();
    check_count(Setup::SYNCHRONOUS, 2, 1000);
    check_count(Setup::SYNCHRONOUS, 4, 1003);
}

/// The same program, its ranks on two hosts of the chapter's lab.
#[test]
fn the_count_spans_two_hosts() {
    let _clean = support::scope();
    if !lab_or_skip("the_count_spans_two_hosts") {
        return;
    }
    check_count(Setup::TWO_HOSTS, 4, 1003);
}
