//! The same stream of small items through the pipe queue and through the
//! shared-memory ring, with what the kernel counted meanwhile: how often each
//! process went to sleep (voluntary context switches) and how often the
//! scheduler took the CPU from it (involuntary ones).

use std::io;
use std::time::{Duration, Instant};

use nix::sys::resource::{Usage, UsageWho, getrusage};
use processes::demos::process::Process;

use super::queue::queue;
use super::ring::ring;

/// What one run measured.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub items: u64,
    pub elapsed: Duration,
    /// Context switches of the consuming parent: (voluntary, involuntary).
    pub consumer_switches: (i64, i64),
    /// Context switches of the producing child: (voluntary, involuntary).
    pub producer_switches: (i64, i64),
}

impl Run {
    pub fn items_per_second(&self) -> f64 {
        self.items as f64 / self.elapsed.as_secs_f64()
    }
}

fn switches(usage: &Usage) -> (i64, i64) {
    (
        usage.voluntary_context_switches(),
        usage.involuntary_context_switches(),
    )
}

fn minus(after: (i64, i64), before: (i64, i64)) -> (i64, i64) {
    (after.0 - before.0, after.1 - before.1)
}

/// Runs `start`, which forks the producing child and gives back this
/// process's side, then `consume` on that side, and counts. `consume`
/// returns how many items it took; the run fails if that is not `items` or
/// if the child did not exit with 0.
fn measure<C>(
    items: u64,
    start: impl FnOnce() -> io::Result<(Process, C)>,
    consume: impl FnOnce(C) -> io::Result<u64>,
) -> io::Result<Run> {
    let me_before = switches(&getrusage(UsageWho::RUSAGE_SELF)?);
    let children_before = switches(&getrusage(UsageWho::RUSAGE_CHILDREN)?);
    let started = Instant::now();
    let (mut producer, side) = start()?;
    let taken = consume(side);
    let status = producer.join()?;
    let elapsed = started.elapsed();
    let taken = taken?;
    if !status.success() || taken != items {
        return Err(io::Error::other(format!(
            "the producer ended with {status} and {taken} of {items} items arrived"
        )));
    }
    Ok(Run {
        items,
        elapsed,
        consumer_switches: minus(switches(&getrusage(UsageWho::RUSAGE_SELF)?), me_before),
        producer_switches: minus(
            switches(&getrusage(UsageWho::RUSAGE_CHILDREN)?),
            children_before,
        ),
    })
}

/// A producer's exit code: 0 if every send went through.
fn exit_code(sent: io::Result<()>) -> i32 {
    if sent.is_ok() { 0 } else { 1 }
}

/// Receives until the queue ends; returns how many items came.
fn count_until_end(mut recv: impl FnMut() -> io::Result<Option<u64>>) -> io::Result<u64> {
    let mut taken = 0;
    while recv()?.is_some() {
        taken += 1;
    }
    Ok(taken)
}

/// `items` numbers through chapter 5's pipe queue.
pub fn through_pipe_queue(items: u64) -> io::Result<Run> {
    let (tx, rx) = queue::<u64>()?;
    measure(
        items,
        || {
            let producer = move || exit_code((0..items).try_for_each(|n| tx.send(&n)));
            // SAFETY: the child encodes items (an allocation, which glibc's
            // malloc allows after fork) and writes them to a pipe.
            Ok((unsafe { Process::start(producer) }?, rx))
        },
        |rx| count_until_end(|| rx.recv()),
    )
}

/// The floor under [`through_pipe_queue`]: `items` records of 16 bytes
/// (about one frame of the queue's) through a bare pipe, one `write(2)` and
/// one `read(2)` each.
pub fn through_bare_pipe(items: u64) -> io::Result<Run> {
    use std::io::{Read, Write};
    let (mut reader, mut writer) = io::pipe()?;
    measure(
        items,
        || {
            let producer = move || {
                for n in 0..items {
                    let mut record = [0_u8; 16];
                    record[..8].copy_from_slice(&n.to_le_bytes());
                    if writer.write_all(&record).is_err() {
                        return 1;
                    }
                }
                0
            };
            // SAFETY: the child writes to a pipe.
            Ok((unsafe { Process::start(producer) }?, ()))
        },
        move |()| {
            let mut record = [0_u8; 16];
            let mut taken = 0;
            while reader.read_exact(&mut record).is_ok() {
                taken += 1;
            }
            Ok(taken)
        },
    )
}

/// `items` numbers through the shared-memory ring of `slots` slots.
pub fn through_ring(items: u64, slots: usize) -> io::Result<Run> {
    let ring = ring::<u64>(slots)?;
    measure(
        items,
        // SAFETY: the child encodes into a stack buffer, loads and stores
        // atomics, and makes write/poll/read system calls.
        || unsafe { ring.start_producer(|tx| exit_code((0..items).try_for_each(|n| tx.send(&n)))) },
        |rx| count_until_end(|| rx.recv()),
    )
}

// ANCHOR: ping_pong
/// The price of a wake-up: `round_trips` times, this process writes a byte
/// to a child blocked in `read`, then blocks in `read` itself until the
/// child writes one back. Every step wakes a process that sleeps, so the
/// run is one wake-up per step (two per round trip), each with the
/// `write` that causes it and the `read` that returns.
pub fn ping_pong(round_trips: u64) -> io::Result<Run> {
    use std::io::{Read, Write};
    let (mut to_child, mut from_parent) = {
        let (reader, writer) = io::pipe()?;
        (writer, reader)
    };
    let (mut from_child, mut to_parent) = io::pipe()?;
    let mut ball = [0_u8; 1];
    let child = move || {
        let mut ball = [0_u8; 1];
        for _ in 0..round_trips {
            if from_parent.read_exact(&mut ball).is_err() || to_parent.write_all(&ball).is_err() {
                return 1;
            }
        }
        0
    };
    measure(
        round_trips,
        // SAFETY: the child reads and writes a byte on pipes.
        || Ok((unsafe { Process::start(child) }?, ())),
        move |()| {
            for _ in 0..round_trips {
                to_child.write_all(&ball)?;
                from_child.read_exact(&mut ball)?;
            }
            Ok(round_trips)
        },
    )
}
// ANCHOR_END: ping_pong
