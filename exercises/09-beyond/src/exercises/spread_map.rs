//! Exercise: chapter 7's `map` spread over every rank, with uneven shares.
//!
//! Test: `cargo test -p beyond --test spread_map` (it runs the
//! `spread_squares` program under `mpirun` with 2 and 4 ranks).

use mpi::topology::SimpleCommunicator;

// ANCHOR: starter
/// Applies `f` to every number of `input` using every rank of `world`, and
/// returns the results, in input order, on rank 0 (`None` on the others).
///
/// Only rank 0 has the input; the other ranks are called with an empty
/// slice. The length need not divide by the number of ranks: shares differ
/// by at most one (see [`crate::demos::collectives::share_range`]), and every
/// rank, rank 0 included, applies `f` to its own share only.
pub fn spread_map(
    world: &SimpleCommunicator,
    input: &[u64],
    f: fn(u64) -> u64,
) -> Option<Vec<u64>> {
    // TODO: every rank must learn how many numbers there are before it can
    // size its buffers; then rank 0 hands out the shares, each rank maps its
    // own, and rank 0 collects the results in rank order.
    let _ = (world, input, f);
    todo!("scatter uneven shares from rank 0, map them on every rank, gather them back in order")
}
// ANCHOR_END: starter
