//! WRONG: no case for a single rank: rank 0 sends the token to itself (next = previous = 0) and then receives it
//! EXPECT: a send to itself waits for a receive
//! CLAUSE: 3
//!
//! With Open MPI's defaults the 8-byte token is buffered ("eager"), `send`
//! returns, and the receive finds it: the one-rank test passes. The MPI
//! standard does not promise that buffering; with synchronous sends rank 0
//! waits in `send` for a receive that only comes after it.

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
    let next = world.process_at_rank((rank + 1) % size);
    let previous = world.process_at_rank((rank + size - 1) % size);
    if rank == 0 {
        next.send(&start);
        let (value, status) = previous.receive::<u64>();
        // One rank: the token came back unchanged, from rank 0 itself.
        return Hop {
            from: status.source_rank(),
            value,
        };
    }
    let (value, status) = previous.receive::<u64>();
    next.send(&(value + rank as u64));
    Hop {
        from: status.source_rank(),
        value,
    }
}
