//! The chapter's measurements, for `cargo course bench`: the round trip of a
//! small message, the bandwidth of a large one, and `map(square)` over a
//! million numbers with scatter and gather.

use std::time::{Duration, Instant};

use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

use super::collectives::share_range;
use super::ping_pong::{bandwidth_mb_s, ping_pong};

/// What rank 0 measured.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    /// Median round trip of an 8-byte message, in microseconds.
    pub round_trip_us: f64,
    /// Bandwidth of 1 MiB messages sent back and forth, in MB/s.
    pub bandwidth_mb_s: f64,
    /// Median time of `map(square)` over `0..n` with scatter and gather
    /// across every rank, in milliseconds.
    pub square_map_ms: f64,
}

/// Runs every measurement `repeats` times (ranks 0 and 1 for the messages,
/// every rank for the map) and returns the medians on rank 0.
///
/// # Panics
///
/// With fewer than two ranks, like [`ping_pong`]: there is nobody to send to.
pub fn measure(world: &SimpleCommunicator, repeats: usize, n: usize) -> Option<Measured> {
    assert!(
        world.size() >= 2,
        "measure needs at least two ranks (mpirun -np 2 ...), got {}",
        world.size()
    );
    let mut round_trips = Vec::new();
    let mut bandwidths = Vec::new();
    let mut maps = Vec::new();
    for _ in 0..repeats {
        world.barrier();
        let small = ping_pong(world, 8, 2000);
        world.barrier();
        let large = ping_pong(world, 1 << 20, 20);
        world.barrier();
        let map = time_square_map(world, n);
        if let (Some(small), Some(large)) = (small, large) {
            round_trips.push(small.as_secs_f64() * 1e6);
            bandwidths.push(bandwidth_mb_s(1 << 20, large));
            maps.push(map.as_secs_f64() * 1e3);
        }
    }
    (world.rank() == 0).then(|| Measured {
        round_trip_us: median(&mut round_trips),
        bandwidth_mb_s: median(&mut bandwidths),
        square_map_ms: median(&mut maps),
    })
}

/// `map(square)` over `0..n`: rank 0 builds the input, scatters uneven
/// shares, every rank squares its own, rank 0 gathers. The clock starts
/// before the scatter and stops after the gather (on rank 0).
fn time_square_map(world: &SimpleCommunicator, n: usize) -> Duration {
    use mpi::Count;
    use mpi::datatype::{Partition, PartitionMut};
    let root = world.process_at_rank(0);
    let size = world.size() as usize;
    let counts: Vec<Count> = (0..size)
        .map(|r| share_range(n, size, r).len() as Count)
        .collect();
    let displs: Vec<Count> = (0..size)
        .map(|r| share_range(n, size, r).start as Count)
        .collect();
    let input: Vec<u64> = if world.rank() == 0 {
        (0..n as u64).collect()
    } else {
        Vec::new()
    };
    let mut share = vec![0u64; counts[world.rank() as usize] as usize];
    let mut results = vec![0u64; if world.rank() == 0 { n } else { 0 }];
    let start = Instant::now();
    if world.rank() == 0 {
        root.scatter_varcount_into_root(
            &Partition::new(&input[..], &counts[..], &displs[..]),
            &mut share[..],
        );
    } else {
        root.scatter_varcount_into(&mut share[..]);
    }
    for x in &mut share {
        *x *= *x;
    }
    if world.rank() == 0 {
        root.gather_varcount_into_root(
            &share[..],
            &mut PartitionMut::new(&mut results[..], &counts[..], &displs[..]),
        );
        let elapsed = start.elapsed();
        assert!(
            results
                .iter()
                .enumerate()
                .all(|(i, &s)| s == (i as u64) * (i as u64)),
            "the gathered squares are wrong"
        );
        elapsed
    } else {
        root.gather_varcount_into(&share[..]);
        start.elapsed()
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}
