//! Tests of the exercise `ring`: `cargo test -p beyond --test ring`.
//! Each runs the `ring` program under `mpirun`.

mod support;

use support::mpirun;

/// What rank `rank` of `size` must receive when the token starts at `start`:
/// rank r > 0 gets start + 1 + 2 + … + (r - 1) from rank r - 1, and rank 0
/// gets the full sum back from the last rank.
fn expected(start: u64, size: u32, rank: u32) -> (u64, u32) {
    if size == 1 {
        return (start, 0);
    }
    let upto = if rank == 0 { size } else { rank };
    let added: u64 = (1..upto as u64).sum();
    (start + added, (rank + size - 1) % size)
}

fn check_ring(size: u32, start: u64) {
    let run = mpirun(
        testkit::bin_path!("ring"),
        size,
        &[&start.to_string()],
        "every rank is waiting in `receive` for a message that nobody sends. \
         Rank 0 must send the token first and receive it last; every other rank \
         receives first and then sends on",
    );
    // Rank 0 last: a mistake shows first where the token goes wrong, not
    // where it ends up.
    for rank in (1..size).chain([0]) {
        let prefix = format!("rank {rank} received ");
        let line = run.line(rank, &prefix);
        let (value, from) = line[prefix.len()..]
            .split_once(" from rank ")
            .and_then(|(v, f)| Some((v.parse::<u64>().ok()?, f.parse::<u32>().ok()?)))
            .unwrap_or_else(|| {
                panic!("rank {rank} printed {line:?}, not `received V from rank R`")
            });
        let (want_value, want_from) = expected(start, size, rank);
        assert_eq!(
            from,
            want_from,
            "with {size} ranks, rank {rank} should receive the token from rank {want_from}, \
             but it came from rank {from}: the token travels 0 → 1 → … → {} → 0 \
             (next = (rank + 1) % size, previous = (rank + size - 1) % size), and `from` \
             is read from the message's status.\n{}",
            size - 1,
            run.describe()
        );
        assert_eq!(
            value,
            want_value,
            "with {size} ranks and start {start}, rank {rank} should receive {want_value}, \
             but it received {value}: {}.\n{}",
            if rank == 0 {
                "rank 0 must wait for the token to come back from the last rank, \
                 after every other rank has added its own rank"
            } else {
                "each rank r adds r (its own rank, not 1) to the token before sending it on"
            },
            run.describe()
        );
    }
}

#[test]
fn the_token_goes_round_two_and_four_ranks_adding_each_rank() {
    let _clean = testkit::process_scope();
    check_ring(2, 100);
    check_ring(4, 7);
}

#[test]
fn a_single_rank_keeps_its_token() {
    let _clean = testkit::process_scope();
    check_ring(1, 42);
}
