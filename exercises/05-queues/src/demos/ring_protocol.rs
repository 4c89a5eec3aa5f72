//! The shared-memory ring's protocol, apart from where its memory lives and
//! how its sides sleep: the layout of the counters and slots, and `push` and
//! `pop`, which [`super::ring`] runs between two processes.
//!
//! It is apart so that loom can check it. Built with
//! `RUSTFLAGS="--cfg queues_loom"`, the atomics below are loom's, and the
//! model in `ring_protocol/loom.rs` runs a producer and a consumer through
//! every interleaving of their loads and stores that matters (and every
//! value a `Relaxed` or `Acquire` load may see): an item read before it is
//! written, or a wake-up lost between "the ring is empty" and "I sleep",
//! fails there every time, where a test between processes would need luck.
//! The process side, [`super::ring`], is left out of that build: loom's
//! atomics cannot live in memory shared between processes.

use std::io;

#[cfg(queues_loom)]
use ::loom::sync::atomic::{AtomicBool, AtomicU64, Ordering, fence};
#[cfg(not(queues_loom))]
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering, fence};

#[cfg(all(test, queues_loom))]
mod loom;

/// Bytes of encoded item one slot holds.
pub const SLOT_BYTES: usize = 56;

// ANCHOR: layout
/// One slot: the length of the encoded item, then its bytes, 8 to a word.
/// 64 bytes, one cache line. Atomic words, because the other process writes
/// them: with plain bytes, Rust would call a read that overlaps the other
/// side's write a data race, and the ring's protocol (below) is what rules
/// such overlaps out. A `Relaxed` load or store of a word is an ordinary
/// `mov` instruction: the atomics cost nothing here.
pub type Slot = [AtomicU64; 1 + SLOT_BYTES / 8];

/// A counter alone on its cache line (128 bytes: two lines, as some CPUs
/// fetch lines in pairs), so that the producer storing `tail` does not steal
/// the line the consumer stores `head` in, and back.
#[repr(C, align(128))]
pub struct OwnLine(AtomicU64);

/// What the two processes share besides the slots.
#[repr(C)]
pub struct Control {
    /// Items ever put in. Stored by the producer only.
    tail: OwnLine,
    /// Items ever taken out. Stored by the consumer only.
    head: OwnLine,
    /// The consumer is asleep, or about to sleep, on its doorbell.
    consumer_asleep: AtomicBool,
    /// The producer is asleep, or about to sleep, on its doorbell.
    producer_asleep: AtomicBool,
}
// ANCHOR_END: layout

impl Control {
    /// Items in the ring right now: a snapshot.
    pub fn queued(&self) -> usize {
        let head = self.head.0.load(Ordering::Acquire);
        let tail = self.tail.0.load(Ordering::Acquire);
        tail.saturating_sub(head) as usize
    }

    /// Items ever put in, and ever taken out (for `Debug`).
    pub fn counts(&self) -> (u64, u64) {
        (
            self.tail.0.load(Ordering::Relaxed),
            self.head.0.load(Ordering::Relaxed),
        )
    }
}

/// Why a sleep ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Woken {
    /// The other side rang the doorbell (or rang it earlier, and we were
    /// not asleep yet): look at the ring again.
    Rung,
    /// Every handle of the other side is closed: it dropped them or died.
    HungUp,
}

/// How one side of the ring sleeps, and wakes the other. Between processes
/// (`super::ring`): a doorbell each, and a pipe that hangs up when the other
/// side is gone. In the loom model: a `Mutex` and a `Condvar`.
pub trait Wake {
    /// Sleeps until the other side rings this side's doorbell (now, or
    /// since the last sleep) or is gone.
    fn sleep(&self) -> io::Result<Woken>;
    /// Rings the other side's doorbell.
    fn wake_other(&self) -> io::Result<()>;
}

// ANCHOR: slots
/// Copies `bytes` (at most [`SLOT_BYTES`]) into `slot`.
fn write_slot(slot: &Slot, bytes: &[u8]) {
    slot[0].store(bytes.len() as u64, Ordering::Relaxed);
    for (word, chunk) in slot[1..].iter().zip(bytes.chunks(8)) {
        let mut padded = [0_u8; 8];
        padded[..chunk.len()].copy_from_slice(chunk);
        word.store(u64::from_ne_bytes(padded), Ordering::Relaxed);
    }
}

/// Copies the item in `slot` out into `out`; returns its length.
fn read_slot(slot: &Slot, out: &mut [u8; SLOT_BYTES]) -> usize {
    let len = (slot[0].load(Ordering::Relaxed) as usize).min(SLOT_BYTES);
    for (word, chunk) in slot[1..].iter().zip(out[..len].chunks_mut(8)) {
        let bytes = word.load(Ordering::Relaxed).to_ne_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
    len
}
// ANCHOR_END: slots

// ANCHOR: push
/// Puts the encoded item `bytes` (at most [`SLOT_BYTES`]) in the ring,
/// sleeping while the ring is full. Fails with `BrokenPipe` if the ring is
/// full and the consumer is gone. Only the one producer calls it.
pub fn push(control: &Control, slots: &[Slot], bytes: &[u8], side: &impl Wake) -> io::Result<()> {
    let capacity = slots.len() as u64;
    // Only the producer stores `tail`: its own last store is current.
    let tail = control.tail.0.load(Ordering::Relaxed);
    // Acquire: the consumer's reads of the slot it freed happened before we
    // overwrite it.
    while tail - control.head.0.load(Ordering::Acquire) == capacity {
        // Full. Raise the flag, then look once more: a slot freed after the
        // look above but before the flag went up rang no bell. The fence
        // keeps the flag's store before that look (see `pop`'s end).
        control.producer_asleep.store(true, Ordering::Relaxed);
        fence(Ordering::SeqCst);
        if tail - control.head.0.load(Ordering::Acquire) < capacity {
            control.producer_asleep.store(false, Ordering::Relaxed);
            break;
        }
        let woken = side.sleep()?;
        control.producer_asleep.store(false, Ordering::Relaxed);
        // Gone, but it may have freed a slot on its way out: fail only if
        // there is still no room.
        if woken == Woken::HungUp && tail - control.head.0.load(Ordering::Acquire) == capacity {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the ring is full and its consumer is gone",
            ));
        }
    }
    write_slot(&slots[(tail % capacity) as usize], bytes);
    // Publishes the slot (Release: the consumer's Acquire load of `tail`
    // sees the slot's words too).
    control.tail.0.store(tail + 1, Ordering::Release);
    // Between our store of `tail` and our look at the flag, as between the
    // consumer's flag and its second look at `tail`: of two SeqCst fences,
    // one comes first, so one side sees the other's store. Either the
    // consumer sees the item, or we see its flag and ring.
    fence(Ordering::SeqCst);
    // Ring only for a consumer that raised its flag; `swap` lowers it, so a
    // burst of items rings once.
    if control.consumer_asleep.load(Ordering::Relaxed)
        && control.consumer_asleep.swap(false, Ordering::Relaxed)
    {
        side.wake_other()?;
    }
    Ok(())
}
// ANCHOR_END: push

// ANCHOR: pop
/// Takes the next item out of the ring into `out` and returns its length,
/// sleeping while the ring is empty; `None` once the ring is empty and the
/// producer is gone. Only the one consumer calls it.
pub fn pop(
    control: &Control,
    slots: &[Slot],
    out: &mut [u8; SLOT_BYTES],
    side: &impl Wake,
) -> io::Result<Option<usize>> {
    let capacity = slots.len() as u64;
    // Only the consumer stores `head`.
    let head = control.head.0.load(Ordering::Relaxed);
    // Acquire: the producer's writes to the slot happened before its store
    // of `tail`, so they are visible once we see that store.
    while control.tail.0.load(Ordering::Acquire) == head {
        // Empty. Raise the flag, then look once more (the mirror of `push`).
        control.consumer_asleep.store(true, Ordering::Relaxed);
        fence(Ordering::SeqCst);
        if control.tail.0.load(Ordering::Acquire) != head {
            control.consumer_asleep.store(false, Ordering::Relaxed);
            break;
        }
        let woken = side.sleep()?;
        control.consumer_asleep.store(false, Ordering::Relaxed);
        if woken == Woken::HungUp {
            // The producer is gone. Its last store of `tail` came before it
            // was gone (between processes: before the kernel closed its
            // descriptors, which comes before our `poll` saw the hang-up).
            if control.tail.0.load(Ordering::Acquire) != head {
                break;
            }
            return Ok(None);
        }
    }
    let len = read_slot(&slots[(head % capacity) as usize], out);
    // Frees the slot (Release: our reads of it come before the producer's
    // next write to it).
    control.head.0.store(head + 1, Ordering::Release);
    fence(Ordering::SeqCst);
    if control.producer_asleep.load(Ordering::Relaxed)
        && control.producer_asleep.swap(false, Ordering::Relaxed)
    {
        side.wake_other()?;
    }
    Ok(Some(len))
}
// ANCHOR_END: pop
