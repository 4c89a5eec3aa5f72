//! Exercise: pass a token around a ring of ranks.
//!
//! Test: `cargo test -p beyond --test ring` (it runs the `ring` program under
//! `mpirun` with 1, 2 and 4 ranks).

use mpi::topology::SimpleCommunicator;

/// What one rank received: from which rank, and the token's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    pub from: i32,
    pub value: u64,
}

// ANCHOR: starter
/// Passes a token around the ring 0 → 1 → … → size-1 → 0.
///
/// * Rank 0 sends `start` to rank 1, then waits for the token to come back
///   from the last rank.
/// * Every other rank `r` receives the token from rank `r - 1`, adds `r` to
///   it, and sends the sum on to the next rank (the last rank sends to 0).
///
/// Returns, on every rank, the [`Hop`] it received: who sent it (read it
/// from the message's status, do not assume it) and the value. With a single
/// rank there is nobody to send to: return `Hop { from: 0, value: start }`
/// without sending anything.
pub fn pass_token(world: &SimpleCommunicator, start: u64) -> Hop {
    // TODO: the next and previous rank of the ring; rank 0 sends first and
    // receives last, every other rank receives, adds its rank, sends on.
    let _ = (world, start);
    todo!("pass the token 0 → 1 → … → size-1 → 0, each rank adding its own rank")
}
// ANCHOR_END: starter
