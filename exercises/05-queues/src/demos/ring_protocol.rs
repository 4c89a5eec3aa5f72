//! The ring's protocol, apart from where its memory lives and how its sides
//! sleep: the counters, the slots, `push` and `pop`. [`super::ring`] runs it
//! between two processes; under `--cfg queues_loom` its atomics are loom's
//! and `ring_protocol/loom.rs` checks it in every interleaving that matters.

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
/// One slot, one 64-byte cache line: the item's length, then its bytes, 8
/// to a word. Atomic words, as the other process writes them (a `Relaxed`
/// access is a plain `mov`); the protocol keeps reads and writes apart.
pub type Slot = [AtomicU64; 1 + SLOT_BYTES / 8];

/// A counter alone on its cache lines (some CPUs fetch lines in pairs), so
/// that storing `tail` does not steal the line `head` lives in.
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
    /// The other side rang (now, or before we slept): look again.
    Rung,
    /// Every handle of the other side is closed: it dropped them or died.
    HungUp,
}

/// How a side sleeps and wakes the other: between processes, doorbells and a
/// hang-up pipe (`super::ring`); in the loom model, a `Mutex` and a `Condvar`.
pub trait Wake {
    /// Sleeps until the other side rings (now, or since the last sleep) or
    /// is gone.
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
    let tail = control.tail.0.load(Ordering::Relaxed); // only we store it
    // Acquire: the consumer's reads of a freed slot come before our writes.
    while tail - control.head.0.load(Ordering::Acquire) == capacity {
        // Full. Raise the flag, then look once more: a slot freed before the
        // flag went up rang no bell. The fence pairs with `pop`'s.
        control.producer_asleep.store(true, Ordering::Relaxed);
        fence(Ordering::SeqCst);
        if tail - control.head.0.load(Ordering::Acquire) < capacity {
            control.producer_asleep.store(false, Ordering::Relaxed);
            break;
        }
        let woken = side.sleep()?;
        control.producer_asleep.store(false, Ordering::Relaxed);
        // Gone, but it may have freed a slot first: fail only if still full.
        if woken == Woken::HungUp && tail - control.head.0.load(Ordering::Acquire) == capacity {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the ring is full and its consumer is gone",
            ));
        }
    }
    write_slot(&slots[(tail % capacity) as usize], bytes);
    // Release: a consumer that sees the new `tail` sees the slot's words.
    control.tail.0.store(tail + 1, Ordering::Release);
    // Of this fence and the consumer's (between its flag and its second
    // look), one comes first: it sees the item, or we see its flag.
    fence(Ordering::SeqCst);
    // `swap` lowers the flag: a burst of items rings once.
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
    let head = control.head.0.load(Ordering::Relaxed); // only we store it
    // Acquire: pairs with the producer's Release store of `tail`.
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
            // The producer is gone; look once more for what it published.
            // (Rust's memory model says nothing of another process's death:
            // this look is how we take what it stored before dying.)
            if control.tail.0.load(Ordering::Acquire) != head {
                break;
            }
            return Ok(None);
        }
    }
    let len = read_slot(&slots[(head % capacity) as usize], out);
    // Release: our reads of the slot come before the producer reuses it.
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
