//! WRONG: every rank, rank 0 included, receives before it sends
//! EXPECT: every rank is waiting in `receive` for a message that nobody sends
//! CLAUSE: 4
//!
//! The symmetric version looks cleaner, but with blocking receives nobody
//! ever sends: the ring never moves.

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
    let previous = world.process_at_rank((rank + size - 1) % size);
    let (value, status) = previous.receive::<u64>();
    let outgoing = if rank == 0 {
        start
    } else {
        value + rank as u64
    };
    next.send(&outgoing);
    Hop {
        from: status.source_rank(),
        value,
    }
}
