//! Collective operations: every rank of the group calls the same function.

use std::time::Duration;

use mpi::collective::SystemOperation;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;
use nix::time::{ClockId, clock_gettime};

// ANCHOR: square_map
/// Chapter 7's `pool.map(square, range(n))` across ranks: rank 0 holds the
/// input, `scatter` gives each rank `per_rank` numbers, each squares its
/// share, `gather` brings the results back to rank 0 in rank order.
/// Returns the squares on rank 0 and `None` elsewhere.
pub fn square_map(world: &SimpleCommunicator, per_rank: usize) -> Option<Vec<u64>> {
    let root = world.process_at_rank(0);
    let mut share = vec![0u64; per_rank];
    if world.rank() == 0 {
        let input: Vec<u64> = (0..(per_rank * world.size() as usize) as u64).collect();
        root.scatter_into_root(&input[..], &mut share[..]);
    } else {
        root.scatter_into(&mut share[..]);
    }
    let squares: Vec<u64> = share.iter().map(|x| x * x).collect();
    if world.rank() == 0 {
        let mut all = vec![0u64; per_rank * world.size() as usize];
        root.gather_into_root(&squares[..], &mut all[..]);
        Some(all)
    } else {
        root.gather_into(&squares[..]);
        None
    }
}
// ANCHOR_END: square_map

// ANCHOR: counters
/// Chapter 6's shared counter without shared memory: each rank counts
/// `increments` on its own, then `reduce` adds the counts up on rank 0 and
/// `all_reduce` gives the sum to every rank. Returns (rank 0's reduced
/// total, or `None` elsewhere; the all-reduced total).
pub fn count_together(world: &SimpleCommunicator, increments: u64) -> (Option<u64>, u64) {
    let mut mine = 0u64;
    for _ in 0..increments {
        mine += 1; // no lock: nobody else can see this counter
    }
    let root = world.process_at_rank(0);
    let reduced = if world.rank() == 0 {
        let mut total = 0u64;
        root.reduce_into_root(&mine, &mut total, SystemOperation::sum());
        Some(total)
    } else {
        root.reduce_into(&mine, SystemOperation::sum());
        None
    };
    let mut everywhere = 0u64;
    world.all_reduce_into(&mine, &mut everywhere, SystemOperation::sum());
    (reduced, everywhere)
}
// ANCHOR_END: counters

// ANCHOR: barrier
/// Chapter 2's barrier across ranks: nobody starts phase 2 before every
/// rank has finished phase 1. Rank `r` spends `r * step` on phase 1, so the
/// ranks arrive at the barrier at different times. Returns when this rank
/// finished phase 1 and when it started phase 2, in nanoseconds of the
/// machine's monotonic clock (the same clock for every process of one
/// machine, so a test can compare ranks).
pub fn phases(world: &SimpleCommunicator, step: Duration) -> (u128, u128) {
    std::thread::sleep(step * world.rank() as u32); // uneven phase-1 work
    let finished_phase_one = monotonic_ns();
    world.barrier();
    let started_phase_two = monotonic_ns();
    (finished_phase_one, started_phase_two)
}
// ANCHOR_END: barrier

/// The machine-wide monotonic clock, in nanoseconds.
pub fn monotonic_ns() -> u128 {
    let now = clock_gettime(ClockId::CLOCK_MONOTONIC).expect("CLOCK_MONOTONIC always exists");
    now.tv_sec() as u128 * 1_000_000_000 + now.tv_nsec() as u128
}

// ANCHOR: share_range
/// The slice of `0..n` that rank `rank` of `size` handles: contiguous, in
/// rank order, shares differing by at most one (the first `n % size` ranks
/// take one more). The same split chapter 7's chunking exercise makes.
pub fn share_range(n: usize, size: usize, rank: usize) -> std::ops::Range<usize> {
    let base = n / size;
    let extra = n % size;
    let start = rank * base + rank.min(extra);
    let len = base + usize::from(rank < extra);
    start..start + len
}
// ANCHOR_END: share_range

/// A digest of `values` that changes when any value changes or two values
/// swap places (a polynomial hash): what `spread_squares` prints for a long
/// result, and what its test compares.
pub fn digest(values: &[u64]) -> u64 {
    values.iter().fold(0u64, |hash, &v| {
        hash.wrapping_mul(1_000_003).wrapping_add(v)
    })
}
