//! Two ranks that both send first: fine for small messages, a deadlock for
//! large ones.

use mpi::point_to_point as p2p;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

// ANCHOR: send_first
/// Ranks 0 and 1 swap `bytes`-byte messages, both sending first.
///
/// A small message is copied into a buffer inside MPI (the "eager"
/// protocol) and `send` returns at once; a large one waits for the matching
/// receive (the "rendezvous" protocol). Both ranks are then stuck in `send`,
/// each waiting for the other to receive: the same deadlock as two processes
/// that write more than a pipe holds to each other before reading.
pub fn swap_sending_first(world: &SimpleCommunicator, bytes: usize) -> usize {
    let partner = world.process_at_rank(1 - world.rank());
    let outgoing = vec![world.rank() as u8; bytes];
    let mut incoming = vec![0u8; bytes];
    partner.send(&outgoing[..]);
    partner.receive_into(&mut incoming[..]);
    incoming.len()
}
// ANCHOR_END: send_first

// ANCHOR: send_receive
/// The same swap without the deadlock: `send_receive` lets MPI do both at
/// once (chapter 4 did the same with a thread that writes while the main
/// thread reads).
pub fn swap_together(world: &SimpleCommunicator, bytes: usize) -> usize {
    let partner = world.process_at_rank(1 - world.rank());
    let outgoing = vec![world.rank() as u8; bytes];
    let mut incoming = vec![0u8; bytes];
    p2p::send_receive_into(&outgoing[..], &partner, &mut incoming[..], &partner);
    incoming.len()
}
// ANCHOR_END: send_receive
