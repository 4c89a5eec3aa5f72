//! WRONG: rank 0 sends the token and returns without waiting for it to come back
//! EXPECT: rank 0 should receive the token from rank
//! CLAUSE: 1
//!
//! Rank 0 reports the token it started with; the last rank's message to it
//! is never received.

use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

/// What one rank received: from which rank, and the token's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    pub from: i32,
    pub value: u64,
}

pub fn pass_token(world: &SimpleCommunicator, start: u64) -> Hop {
    let (rank, size) = (world.rank(), world.size());
    if size == 1 {
        return Hop {
            from: 0,
            value: start,
        };
    }
    let next = world.process_at_rank((rank + 1) % size);
    if rank == 0 {
        next.send(&start);
        Hop {
            from: 0,
            value: start,
        }
    } else {
        let previous = world.process_at_rank(rank - 1);
        let (value, status) = previous.receive::<u64>();
        next.send(&(value + rank as u64));
        Hop {
            from: status.source_rank(),
            value,
        }
    }
}
