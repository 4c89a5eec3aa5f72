//! WRONG: the token travels the ring backwards (send to rank - 1, receive from rank + 1)
//! EXPECT: the token travels 0 → 1 → … →
//! CLAUSE: 1
//!
//! Every rank gets a token, so the values look plausible; the senders show
//! the direction is wrong.

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
    let next = world.process_at_rank((rank + size - 1) % size);
    let previous = world.process_at_rank((rank + 1) % size);
    if rank == 0 {
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
