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

/// Runs `produce` in a child process and `consume` in this one, and counts.
/// `consume` returns how many items it took; the run fails if that is not
/// `items` or if the child did not exit with 0.
fn measure(
    items: u64,
    produce: impl FnMut() -> i32,
    consume: impl FnOnce() -> io::Result<u64>,
) -> io::Result<Run> {
    let me_before = switches(&getrusage(UsageWho::RUSAGE_SELF)?);
    let children_before = switches(&getrusage(UsageWho::RUSAGE_CHILDREN)?);
    let start = Instant::now();
    // SAFETY: the callers' producers only encode items and send them on a
    // queue or a ring (system calls, atomics, and an allocation for the
    // pipe queue's encoding, which glibc's malloc allows after fork).
    let mut producer = unsafe { Process::start(produce) }?;
    let taken = consume();
    let status = producer.join()?;
    let elapsed = start.elapsed();
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
        move || exit_code((0..items).try_for_each(|n| tx.send(&n))),
        move || count_until_end(|| rx.recv()),
    )
}

/// `items` numbers through the shared-memory ring of `slots` slots.
pub fn through_ring(items: u64, slots: usize) -> io::Result<Run> {
    let (tx, rx) = ring::<u64>(slots)?;
    measure(
        items,
        move || exit_code((0..items).try_for_each(|n| tx.send(&n))),
        move || count_until_end(|| rx.recv()),
    )
}
