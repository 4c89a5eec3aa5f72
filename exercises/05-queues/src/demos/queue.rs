//! A queue between processes, built on a pipe.
//!
//! * Every producer writes to one shared pipe, every consumer reads from it.
//! * Each item goes out as one frame of at most `PIPE_BUF` (4096) bytes in a
//!   single `write(2)`. POSIX makes such writes atomic: frames from many
//!   producers never interleave, so senders need no lock.
//! * Reading a frame takes two reads (header, then body), so consumers take
//!   turns with a read lock, a [`FileLock`]: a consumer that dies holding it,
//!   typically one blocked in `recv` on an empty queue, has it released by
//!   the kernel, and the others carry on, unless it forked while holding it
//!   (another thread of it called `fork` meanwhile): the child keeps the
//!   lock until it exits too. (One killed in the microseconds
//!   *between* the two reads of a frame leaves half a frame in the pipe: the
//!   next consumer gets an `InvalidData` error instead of an item, not a
//!   hang.)
//! * An item too large for one frame is written to a shared anonymous file
//!   (a `memfd`, inherited by every child) and the frame carries its place.
//!   The pipe only ever holds small frames, so a producer never waits on a
//!   consumer for a big item, and may exit at once.
//! * When every [`Sender`] in every process is gone, the pipe reports
//!   end-of-file and [`Receiver::recv`] returns `None`: closing is the end of
//!   the queue, no sentinel needed.

use std::fs::File;
use std::io::{self, PipeReader, PipeWriter};
use std::marker::PhantomData;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use nix::fcntl::{FallocateFlags, fallocate};
use nix::sys::memfd::{MFdFlags, memfd_create};
use pipes::demos::framing;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::file_lock::{FileLock, LockHandle};
use super::token::TokenPipe;

/// The largest write a pipe guarantees not to interleave with other writers.
pub const PIPE_BUF: usize = nix::libc::PIPE_BUF;

/// Encoded items up to this size travel inside the pipe; larger ones go
/// through the shared file. The margin leaves room for the frame header and
/// the enum tag, so every frame fits in `PIPE_BUF`.
pub const INLINE_MAX: usize = PIPE_BUF - 16;

// ANCHOR: frame
/// What travels through the pipe: an item, or where to find it.
#[derive(Debug, Serialize, Deserialize)]
enum Frame {
    /// `serde_bytes`: one block of bytes, not a sequence of numbers.
    Inline(#[serde(with = "serde_bytes")] Vec<u8>),
    Spilled {
        offset: u64,
        len: u64,
    },
}
// ANCHOR_END: frame

/// The parts every handle of one queue shares.
#[derive(Debug)]
struct Shared {
    read_lock: FileLock,
    spill_lock: FileLock,
    spill: File,
    slots: Option<TokenPipe>,
}

/// The sending side. Clone it with [`try_clone`](Sender::try_clone) for more
/// producers; the queue ends once every copy, in every process, is dropped.
#[derive(Debug)]
pub struct Sender<T> {
    data: PipeWriter,
    shared: Arc<Shared>,
    items: PhantomData<fn(T)>,
}

/// The receiving side. Any number of consumers, in any processes, may share
/// it: each item goes to exactly one of them. Each consumer thread has its
/// own (`try_clone`); it is not `Sync`, because its handle on the read lock
/// lets in only one thread at a time if each has its own.
#[derive(Debug)]
pub struct Receiver<T> {
    data: PipeReader,
    shared: Arc<Shared>,
    read_lock: LockHandle,
    items: PhantomData<fn() -> T>,
}

/// A new unbounded queue: `send` blocks only while the pipe itself is full
/// (64 KiB of frames, at least 16 of them).
pub fn queue<T>() -> io::Result<(Sender<T>, Receiver<T>)> {
    make(None)
}

/// A new queue holding at most `capacity` items (1 to 4096): `send` blocks
/// while it is full, until a consumer takes an item.
pub fn bounded<T>(capacity: usize) -> io::Result<(Sender<T>, Receiver<T>)> {
    assert!((1..=4096).contains(&capacity), "capacity must be 1 to 4096");
    make(Some(TokenPipe::new(capacity)?))
}

fn make<T>(slots: Option<TokenPipe>) -> io::Result<(Sender<T>, Receiver<T>)> {
    let (reader, writer) = io::pipe()?;
    let spill = File::from(memfd_create(c"queue-spill", MFdFlags::MFD_CLOEXEC)?);
    let shared = Arc::new(Shared {
        read_lock: FileLock::new()?,
        spill_lock: FileLock::new()?,
        spill,
        slots,
    });
    let sender = Sender {
        data: writer,
        shared: Arc::clone(&shared),
        items: PhantomData,
    };
    let receiver = Receiver {
        data: reader,
        read_lock: shared.read_lock.handle()?,
        shared,
        items: PhantomData,
    };
    Ok((sender, receiver))
}

impl<T: Serialize> Sender<T> {
    // ANCHOR: send
    /// Puts `item` on the queue. Blocks while a bounded queue is full. Fails
    /// with `BrokenPipe` once no process holds a `Receiver` any more. A send
    /// that fails (or panics) leaves the queue's free slots as they were.
    pub fn send(&self, item: &T) -> io::Result<()> {
        // A guard: if anything below fails, dropping it gives the slot back.
        let slot = self
            .shared
            .slots
            .as_ref()
            .map(TokenPipe::take)
            .transpose()?;
        let payload = postcard::to_stdvec(item).map_err(io::Error::other)?;
        let frame = if payload.len() <= INLINE_MAX {
            Frame::Inline(payload)
        } else {
            self.spill(&payload)?
        };
        // At most PIPE_BUF bytes in one write(2): atomic, never interleaved.
        framing::send(&mut &self.data, &frame)?;
        // The item is in the queue and holds the slot; `recv` gives it back.
        if let Some(slot) = slot {
            slot.keep();
        }
        Ok(())
    }
    // ANCHOR_END: send

    // ANCHOR: spill
    /// Appends `payload` to the shared file, under the spill lock, and says
    /// where it is.
    fn spill(&self, payload: &[u8]) -> io::Result<Frame> {
        let spill = &self.shared.spill;
        let offset = self.shared.spill_lock.with(|| {
            let end = spill.metadata()?.len();
            spill.write_all_at(payload, end)?;
            Ok(end)
        })?;
        Ok(Frame::Spilled {
            offset,
            len: payload.len() as u64,
        })
    }
    // ANCHOR_END: spill
}

impl<T> Sender<T> {
    /// Another sender on the same queue (the pipe's write end, duplicated).
    pub fn try_clone(&self) -> io::Result<Sender<T>> {
        Ok(Sender {
            data: self.data.try_clone()?,
            shared: Arc::clone(&self.shared),
            items: PhantomData,
        })
    }
}

impl<T: DeserializeOwned> Receiver<T> {
    // ANCHOR: recv
    /// Takes the next item, waiting for one. `Ok(None)` once the queue is
    /// empty and every sender, in every process, is gone.
    pub fn recv(&self) -> io::Result<Option<T>> {
        // Header and body are two reads: one consumer at a time.
        let frame = self.read_lock.with(&self.shared.read_lock, || {
            framing::recv::<Frame>(&mut &self.data)
        })?;
        let Some(frame) = frame else {
            return Ok(None);
        };
        if let Some(slots) = &self.shared.slots {
            slots.release()?; // room for one more item
        }
        let payload = match frame {
            Frame::Inline(payload) => payload,
            Frame::Spilled { offset, len } => self.unspill(offset, len)?,
        };
        postcard::from_bytes(&payload)
            .map(Some)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
    // ANCHOR_END: recv

    /// Reads a spilled item and frees its space in the shared file.
    fn unspill(&self, offset: u64, len: u64) -> io::Result<Vec<u8>> {
        let spill = &self.shared.spill;
        let mut payload = vec![0u8; len as usize];
        spill.read_exact_at(&mut payload, offset)?;
        let punch = FallocateFlags::FALLOC_FL_PUNCH_HOLE | FallocateFlags::FALLOC_FL_KEEP_SIZE;
        fallocate(spill, punch, offset as i64, len as i64)?;
        Ok(payload)
    }
}

/// The pipe's read end, for `poll` (readable: a frame, or the end, is
/// there) and for tests that check which process holds which end.
impl<T> std::os::fd::AsFd for Receiver<T> {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.data.as_fd()
    }
}

impl<T> Receiver<T> {
    /// Another receiver on the same queue (the pipe's read end, duplicated).
    pub fn try_clone(&self) -> io::Result<Receiver<T>> {
        Ok(Receiver {
            data: self.data.try_clone()?,
            read_lock: self.shared.read_lock.handle()?,
            shared: Arc::clone(&self.shared),
            items: PhantomData,
        })
    }

    /// How many more items a bounded queue can take right now (`None` for an
    /// unbounded one). A snapshot: other processes may change it at once.
    pub fn free_slots(&self) -> io::Result<Option<usize>> {
        self.shared
            .slots
            .as_ref()
            .map(TokenPipe::available)
            .transpose()
    }
}
