//! Tests of the exercise `ring`: `cargo test -p beyond --test ring`.
//! Each runs the `ring` program under `mpirun`. The clauses they check are
//! in `course.toml` (`[[exercise.clause]]` of `ring`).

mod support;

use support::{Setup, lab_or_skip, mpirun_with};

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

fn check_ring(setup: Setup, size: u32, start: u64) {
    let stuck = if size == 1 {
        "clause 3 (a single rank keeps its token and sends nothing): with one rank, a send \
         to itself waits for a receive that only comes after it, once sends are not \
         buffered. With size 1, return Hop { from: 0, value: start } before any send"
    } else {
        "clause 4 (no rank waits forever, whether or not MPI buffers a send): every rank is \
         waiting in `receive` for a message that nobody sends, or in a `send` that nobody \
         receives. Rank 0 must send the token first and receive it last; every other rank \
         receives first and then sends on"
    };
    let run = mpirun_with(
        setup,
        testkit::bin_path!("ring"),
        size,
        &[&start.to_string()],
        stuck,
    );
    // Rank 0 last: a mistake shows first where the token goes wrong, not
    // where it ends up.
    for rank in (1..size).chain([0]) {
        if run.stuck.is_some() && run.rank_lines(rank).is_empty() {
            continue; // a stuck rank: reported below, once the others are checked
        }
        let prefix = format!("rank {rank} received ");
        let line = run.line(rank, &prefix);
        let (value, from) = line[prefix.len()..]
            .split_once(" from rank ")
            .and_then(|(v, f)| Some((v.parse::<u64>().ok()?, f.parse::<u32>().ok()?)))
            .unwrap_or_else(|| {
                panic!(
                    "clause 1 (the token travels 0 → 1 → … → size-1 → 0): rank {rank} printed \
                     {line:?}, not `received V from rank R`"
                )
            });
        let (want_value, want_from) = expected(start, size, rank);
        assert_eq!(
            from,
            want_from,
            "clause 1 (the token travels 0 → 1 → … → size-1 → 0): \
             with {size} ranks, rank {rank} should receive the token from rank {want_from}, \
             but it came from rank {from}: the token travels 0 → 1 → … → {} → 0 \
             (next = (rank + 1) % size, previous = (rank + size - 1) % size), and `from` \
             is read from the message's status.\n{}",
            size - 1,
            run.describe()
        );
        assert_eq!(
            value,
            want_value,
            "clause 2 (each rank adds its own rank): \
             with {size} ranks and start {start}, rank {rank} should receive {want_value}, \
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
    run.assert_ended();
}

#[test]
fn the_token_goes_round_two_and_four_ranks_adding_each_rank() {
    let _clean = support::scope();
    check_ring(Setup::default(), 2, 100);
    check_ring(Setup::default(), 4, 7);
}

#[test]
fn a_single_rank_keeps_its_token() {
    let _clean = support::scope();
    check_ring(Setup::default(), 1, 42);
}

/// Open MPI buffers a small message and lets `send` return before anybody
/// receives it; the MPI standard does not promise that, and a ring that works
/// only thanks to it deadlocks elsewhere. Here every `send` waits for its
/// receive, so such a ring deadlocks on every run.
#[test]
fn the_ring_moves_when_no_send_is_buffered() {
    let _clean = support::scope();
    check_ring(Setup::SYNCHRONOUS, 1, 42);
    check_ring(Setup::SYNCHRONOUS, 2, 100);
    check_ring(Setup::SYNCHRONOUS, 4, 7);
}

/// The same program, its ranks on two hosts of the chapter's lab (two
/// network namespaces joined by TCP): ranks 0 and 2 on one, 1 and 3 on the
/// other, so that every hop of the ring crosses the network.
#[test]
fn the_ring_crosses_two_hosts() {
    let _clean = support::scope();
    if !lab_or_skip("the_ring_crosses_two_hosts") {
        return;
    }
    check_ring(Setup::TWO_HOSTS, 4, 7);
}
