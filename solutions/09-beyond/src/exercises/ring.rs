//! Exercise: pass a token around a ring of ranks (solution).

use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

/// What one rank received: from which rank, and the token's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    pub from: i32,
    pub value: u64,
}

// ANCHOR: pass_token
/// Passes a token around the ring 0 → 1 → … → size-1 → 0, each rank adding
/// its own rank; returns what this rank received.
pub fn pass_token(world: &SimpleCommunicator, start: u64) -> Hop {
    let (rank, size) = (world.rank(), world.size());
    if size == 1 {
        return Hop {
            from: 0,
            value: start,
        };
    }
    let next = world.process_at_rank((rank + 1) % size);
    let previous = world.process_at_rank((rank + size - 1) % size);
    if rank == 0 {
        // Rank 0 starts the token, so it must send before it receives:
        // if every rank received first, nobody would ever send.
        next.send(&start);
        let (value, status) = previous.receive::<u64>();
        Hop {
            from: status.source_rank(),
            value,
        }
    } else {
        let (value, status) = previous.receive::<u64>();
        next.send(&(value + rank as u64));
        Hop {
            from: status.source_rank(),
            value,
        }
    }
}
// ANCHOR_END: pass_token
