//! Tests of the exercise `global_count`: `cargo test -p beyond --test global_count`.
//! Each runs the `count_primes` program under `mpirun`.

mod support;

use support::{mpirun, number_after};

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

fn check_count(size: u32, limit: u64) {
    let run = mpirun(
        testkit::bin_path!("count_primes"),
        size,
        &[&limit.to_string()],
        "a rank waits in a collective call that another rank never makes: every rank \
         must call the same reduction",
    );
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
                "rank {rank} tested {tested} numbers between {from} and {to}: each rank tests \
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
        "with {size} ranks, the ranks tested {tested_total} numbers (shares {shares:?}) whose \
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
        "with {size} ranks and limit {limit}, shares were {shares:?}: they must differ by at \
         most one (give the {} extra numbers to different ranks, not all to one).\n{}",
        limit % u64::from(size),
        run.describe()
    );
    for (rank, &(_, _, total)) in reports.iter().enumerate() {
        assert_eq!(
            total,
            want,
            "with {size} ranks, rank {rank} returned {total}, but there are {want} primes below \
             {limit}: every rank must return the total of all ranks' counts (all_reduce), not \
             its own count, and not a total that only rank 0 received (reduce).\n{}",
            run.describe()
        );
    }
}

#[test]
fn every_rank_knows_the_total_with_two_and_four_ranks() {
    let _clean = testkit::process_scope();
    check_count(2, 1000);
    check_count(4, 1003);
}
