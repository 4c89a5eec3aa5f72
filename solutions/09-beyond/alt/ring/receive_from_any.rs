//! ALT: receive from any rank and read the sender from the status
//!
//! In a ring only one rank ever sends to you, so `any_process()` receives
//! the same message; the status still says where it came from.

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
    }
    let (value, status) = world.any_process().receive::<u64>();
    if rank != 0 {
        next.send(&(value + rank as u64));
    }
    Hop {
        from: status.source_rank(),
        value,
    }
}
