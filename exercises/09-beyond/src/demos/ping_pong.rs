//! Point-to-point messages: `send` and `receive` between two ranks.

use std::time::{Duration, Instant};

use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

// ANCHOR: ping_pong
/// Rank 0 sends `rounds` messages of `bytes` bytes to rank 1, which sends
/// each one straight back. Returns, on rank 0, the time of one round trip
/// (its mean); on rank 1, `None`. Other ranks take no part.
///
/// `send` returns once the message is on its way or delivered, which for a
/// large message means once the receiver has started to take it: like a
/// write to a full pipe, a send can block. `receive` blocks until a message
/// arrives, like a read from an empty pipe.
pub fn ping_pong(world: &SimpleCommunicator, bytes: usize, rounds: u32) -> Option<Duration> {
    let mut message = vec![0u8; bytes];
    match world.rank() {
        0 => {
            let partner = world.process_at_rank(1);
            let start = Instant::now();
            for _ in 0..rounds {
                partner.send(&message[..]);
                partner.receive_into(&mut message[..]);
            }
            Some(start.elapsed() / rounds.max(1))
        }
        1 => {
            let partner = world.process_at_rank(0);
            for _ in 0..rounds {
                partner.receive_into(&mut message[..]);
                partner.send(&message[..]);
            }
            None
        }
        _ => None,
    }
}
// ANCHOR_END: ping_pong

/// Megabytes per second for a round trip of `bytes` each way.
pub fn bandwidth_mb_s(bytes: usize, round_trip: Duration) -> f64 {
    (2 * bytes) as f64 / round_trip.as_secs_f64() / 1e6
}
