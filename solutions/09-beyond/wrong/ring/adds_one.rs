//! WRONG: each rank adds 1 to the token instead of its own rank
//! EXPECT: each rank r adds r (its own rank, not 1)
//! CLAUSE: 2
//!
//! With two ranks the two are the same, which is why the tests use four.

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
    if rank == 0 {
        next.send(&start);
        let (value, status) = previous.receive::<u64>();
        Hop {
            from: status.source_rank(),
            value,
        }
    } else {
        let (value, status) = previous.receive::<u64>();
        next.send(&(value + 1));
        Hop {
            from: status.source_rank(),
            value,
        }
    }
}
