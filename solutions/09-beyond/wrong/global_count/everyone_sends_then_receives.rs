//! WRONG: each rank sends its count to every other rank, then receives theirs (an all_reduce by hand, sends first)
//! EXPECT: clause 4 (no rank waits forever
//! CLAUSE: 4
//!
//! The totals are right, and with Open MPI's defaults the 8-byte counts are
//! buffered ("eager"), so every send returns before anybody receives. The
//! MPI standard does not promise that: with synchronous sends every rank
//! waits in its first `send` for a rank that is itself waiting in `send`.

use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

use crate::demos::collectives::share_range;

pub fn count_everywhere(world: &SimpleCommunicator, limit: u64, is_match: fn(u64) -> bool) -> u64 {
    let (rank, size) = (world.rank(), world.size());
    let mine = share_range(limit as usize, size as usize, rank as usize);
    let local = (mine.start as u64..mine.end as u64)
        .filter(|&n| is_match(n))
        .count() as u64;
    for other in (0..size).filter(|&r| r != rank) {
        world.process_at_rank(other).send(&local);
    }
    let mut total = local;
    for other in (0..size).filter(|&r| r != rank) {
        let (count, _) = world.process_at_rank(other).receive::<u64>();
        total += count;
    }
    total
}
