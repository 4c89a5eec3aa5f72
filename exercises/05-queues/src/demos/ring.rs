//! A queue between two processes in shared memory: a ring of slots that the
//! producer fills and the consumer empties without a system call, and a
//! doorbell for the moments when one of them must sleep.
//!
//! * The slots and the two counters that say which slots are full live in
//!   chapter 6's shared mapping, made before `fork`: both processes see the
//!   same physical pages.
//! * `tail` counts the items ever put in, `head` the items ever taken out.
//!   Only the producer stores `tail`, only the consumer stores `head`, so
//!   neither needs a lock: one producer and one consumer, exactly.
//! * An item is encoded with postcard into one slot of [`SLOT_BYTES`] bytes.
//!   Bigger items belong on chapter 5's pipe queue, [`super::queue`].
//! * A consumer that finds the ring empty says so in a flag and sleeps in
//!   `poll(2)` on an `eventfd(2)`, the doorbell; the producer rings it only
//!   when the flag is up. A producer that finds the ring full does the same
//!   on the other doorbell. While both keep up, no system call is made.
//! * Beside the doorbell, each side polls a pipe held open by the other side
//!   only. When the other side's handle is closed (dropped, or its process
//!   died, even by SIGKILL) the pipe hangs up: the consumer then returns
//!   `None` once the ring is empty, the producer fails with `BrokenPipe` if
//!   the ring is full. For that, no other process may hold the other side's
//!   pipe end: a side goes to a child through [`Ring::start_producer`] or
//!   [`Ring::start_consumer`], which close it in the child.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, PipeReader, PipeWriter, Read, Write};
use std::marker::PhantomData;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::Arc;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use processes::demos::process::Process;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared_memory::demos::region::{ProcessShared, SharedSlice, SharedValue};

use super::ring_protocol::{Control, Slot, Wake, Woken, pop, push};

pub use super::ring_protocol::SLOT_BYTES;

/// The most slots a ring may have (16 MiB of slots).
pub const MAX_CAPACITY: usize = 1 << 18;

// SAFETY: `Control` is two `u64` atomics and two `bool` atomics (and
// padding), std's (this module is not built with loom's), all lock-free: all zeros is a valid value (empty ring, nobody
// asleep), there is no pointer and no `Drop`, and every field changes through
// `&self` atomic operations, which work the same between processes as
// between threads. Its alignment, 128, is below a page, which `SharedValue`
// checks anyway.
unsafe impl ProcessShared for Control {}

/// An `eventfd(2)`: a 64-bit counter in the kernel. Writing adds to it;
/// `poll` reports it readable while it is not zero; reading returns it and
/// sets it back to zero. Non-blocking, so that emptying it never waits.
#[derive(Debug)]
struct Doorbell(File);

impl Doorbell {
    fn new() -> io::Result<Doorbell> {
        use nix::libc;
        // SAFETY: eventfd takes two integers, touches no memory of ours, and
        // returns a new descriptor or -1.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was opened by the call above and nothing else knows
        // it: the `OwnedFd` becomes its one owner and closes it once.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Doorbell(File::from(fd)))
    }

    /// Wakes the side sleeping on this doorbell: one `write(2)`.
    fn ring(&self) -> io::Result<()> {
        // Adds 1. It would fail with EAGAIN only if the counter neared 2^64.
        (&self.0).write_all(&1_u64.to_ne_bytes())
    }

    /// Sets the counter back to zero after a wake-up, so that the next
    /// `poll` sleeps until the next ring.
    fn silence(&self) -> io::Result<()> {
        let mut count = [0_u8; 8];
        match (&self.0).read(&mut count) {
            Ok(_) => Ok(()),
            // Nobody rang: a wake-up for the hang-up alone.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
            Err(e) => Err(e),
        }
    }
}

// ANCHOR: sleep
/// Sleeps in `poll(2)` until `bell` rings or `peer` hangs up: no CPU time
/// is used meanwhile. `peer` is the read end of a pipe that nobody ever
/// writes to; the kernel reports it hung up once every copy of its write end,
/// in every process, is closed.
fn sleep_until(bell: &Doorbell, peer: &PipeReader) -> io::Result<Woken> {
    let mut fds = [
        PollFd::new(bell.0.as_fd(), PollFlags::POLLIN),
        PollFd::new(peer.as_fd(), PollFlags::POLLIN),
    ];
    loop {
        match poll(&mut fds, PollTimeout::NONE) {
            Ok(_) => break,
            Err(Errno::EINTR) => continue, // a signal handler ran: sleep again
            Err(e) => return Err(e.into()),
        }
    }
    let rung = fds[0]
        .revents()
        .is_some_and(|r| r.contains(PollFlags::POLLIN));
    let hung_up = fds[1]
        .revents()
        .is_some_and(|r| r.intersects(PollFlags::POLLHUP | PollFlags::POLLIN));
    if rung {
        bell.silence()?;
    }
    Ok(if hung_up { Woken::HungUp } else { Woken::Rung })
}
// ANCHOR_END: sleep

/// Everything both handles of one ring reach.
struct Shared {
    control: SharedValue<Control>,
    slots: SharedSlice<Slot>,
    /// Rung by the producer when it adds an item to a ring the consumer
    /// sleeps on.
    item_added: Doorbell,
    /// Rung by the consumer when it frees a slot the producer waits for.
    slot_freed: Doorbell,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (tail, head) = self.control.counts();
        f.debug_struct("Shared")
            .field("capacity", &self.slots.len())
            .field("tail", &tail)
            .field("head", &head)
            .finish_non_exhaustive()
    }
}

/// One side of the ring as the protocol sees it: the doorbell it sleeps on,
/// the other side's doorbell, and the pipe that hangs up when the other side
/// is gone.
struct Side<'a> {
    own: &'a Doorbell,
    other: &'a Doorbell,
    peer: &'a PipeReader,
}

impl Wake for Side<'_> {
    fn sleep(&self) -> io::Result<Woken> {
        sleep_until(self.own, self.peer)
    }

    fn wake_other(&self) -> io::Result<()> {
        self.other.ring()
    }
}

/// One side's two pipe ends: `alive`, the write end of the pipe the other
/// side watches (it hangs up when every copy of this end is closed), and
/// `peer`, the read end of the pipe the other side holds open.
#[derive(Debug)]
struct Ends {
    alive: PipeWriter,
    peer: PipeReader,
}

impl Ends {
    fn raw(&self) -> [RawFd; 2] {
        [self.alive.as_raw_fd(), self.peer.as_raw_fd()]
    }
}

/// The producing side. It cannot be cloned, and it is not `Sync`, so two
/// threads cannot send through it at once. Between processes, Rust cannot
/// stop a forked child from *borrowing* it (`Process::start` takes any
/// closure): then two processes move `tail` at once and items are
/// overwritten or lost (never undefined behaviour: every shared word is an
/// atomic). Hand it over by value, with [`Ring::start_producer`].
#[derive(Debug)]
pub struct Sender<T> {
    shared: Arc<Shared>,
    ends: Ends,
    items: PhantomData<fn(T)>,
    not_sync: PhantomData<Cell<()>>,
}

/// The consuming side. There is one, like the [`Sender`].
#[derive(Debug)]
pub struct Receiver<T> {
    shared: Arc<Shared>,
    ends: Ends,
    items: PhantomData<fn() -> T>,
    not_sync: PhantomData<Cell<()>>,
}

// ANCHOR: ring_api
/// A ring not yet split between its producer and its consumer. Both sides
/// are in this process: a child forked now would inherit the other side's
/// `alive` end and keep it open, and then never see that side die. So a
/// side goes to a child only through [`start_producer`](Ring::start_producer)
/// or [`start_consumer`](Ring::start_consumer), which close in the child the
/// ends of the side it does not get.
#[derive(Debug)]
pub struct Ring<T> {
    sender: Sender<T>,
    receiver: Receiver<T>,
}

/// A new ring of `capacity` slots (1 to [`MAX_CAPACITY`]) for one producer
/// and one consumer.
pub fn ring<T>(capacity: usize) -> io::Result<Ring<T>> {
    if !(1..=MAX_CAPACITY).contains(&capacity) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("a ring holds 1 to {MAX_CAPACITY} slots, not {capacity}"),
        ));
    }
    let shared = Arc::new(Shared {
        control: SharedValue::new()?,
        slots: SharedSlice::new(capacity)?,
        item_added: Doorbell::new()?,
        slot_freed: Doorbell::new()?,
    });
    let (consumer_watches, producer_alive) = io::pipe()?;
    let (producer_watches, consumer_alive) = io::pipe()?;
    let sender = Sender {
        shared: Arc::clone(&shared),
        ends: Ends {
            alive: producer_alive,
            peer: producer_watches,
        },
        items: PhantomData,
        not_sync: PhantomData,
    };
    let receiver = Receiver {
        shared,
        ends: Ends {
            alive: consumer_alive,
            peer: consumer_watches,
        },
        items: PhantomData,
        not_sync: PhantomData,
    };
    Ok(Ring { sender, receiver })
}

impl<T> Ring<T> {
    /// Forks a child that runs `producer` with the [`Sender`]; this process
    /// keeps the [`Receiver`]. The child holds no end of the consumer's
    /// pipes, so it sees the consumer go however it goes.
    ///
    /// # Safety
    ///
    /// As for [`Process::start`]: `producer` only does what a forked child
    /// of this process may do.
    pub unsafe fn start_producer(
        self,
        producer: impl FnOnce(Sender<T>) -> i32,
    ) -> io::Result<(Process, Receiver<T>)> {
        let Ring { sender, receiver } = self;
        // SAFETY: `start_in_child` closes two descriptors (async-signal-safe)
        // before `producer`, which the caller vouches for.
        let child = unsafe { start_in_child(sender, receiver.ends.raw(), producer) }?;
        Ok((child, receiver))
    }

    /// Forks a child that runs `consumer` with the [`Receiver`]; this
    /// process keeps the [`Sender`]. The mirror of `start_producer`.
    ///
    /// # Safety
    ///
    /// As for [`Process::start`].
    pub unsafe fn start_consumer(
        self,
        consumer: impl FnOnce(Receiver<T>) -> i32,
    ) -> io::Result<(Process, Sender<T>)> {
        let Ring { sender, receiver } = self;
        // SAFETY: as in `start_producer`.
        let child = unsafe { start_in_child(receiver, sender.ends.raw(), consumer) }?;
        Ok((child, sender))
    }

    /// Both sides, for two threads of this process. Do not move either into
    /// a forked child: the child would keep the other side's ends open (use
    /// `start_producer` or `start_consumer` for that).
    pub fn split(self) -> (Sender<T>, Receiver<T>) {
        (self.sender, self.receiver)
    }
}

/// Forks a child that first closes `other` (the two pipe ends of the side
/// it does not get, still open in this process), then runs `body(side)`.
/// The parent's copy of `side` is dropped when this returns, closing its
/// ends here.
///
/// # Safety
///
/// As for [`Process::start`], for `body`.
unsafe fn start_in_child<S>(
    side: S,
    other: [RawFd; 2],
    body: impl FnOnce(S) -> i32,
) -> io::Result<Process> {
    let mut once = Some((side, body));
    let child = move || {
        for fd in other {
            // SAFETY: `fd` is open: the other side's handle owns it in the
            // parent, which outlives this call, so it was open at the fork.
            // In this child that handle is never used nor dropped (the child
            // leaves with `_exit` inside `Process::start`), so nothing else
            // closes or uses the number here. `close` is async-signal-safe.
            unsafe { nix::libc::close(fd) };
        }
        let (side, body) = once.take().expect("the child runs its body once");
        body(side)
    };
    // SAFETY: the child closes two descriptors, then runs `body`, which our
    // caller vouches for.
    unsafe { Process::start(child) }
}
// ANCHOR_END: ring_api

impl<T: Serialize> Sender<T> {
    // ANCHOR: send
    /// Puts `item` in the ring, sleeping while the ring is full. Fails with
    /// `InvalidInput` if the encoded item is longer than [`SLOT_BYTES`], and
    /// with `BrokenPipe` if the ring is full and the consumer is gone.
    pub fn send(&self, item: &T) -> io::Result<()> {
        let mut bytes = [0_u8; SLOT_BYTES];
        let len = postcard::to_slice(item, &mut bytes)
            .map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("an item must encode to at most {SLOT_BYTES} bytes: {e}"),
                )
            })?
            .len();
        let ring = &*self.shared;
        let side = Side {
            own: &ring.slot_freed,
            other: &ring.item_added,
            peer: &self.ends.peer,
        };
        push(&ring.control, &ring.slots, &bytes[..len], &side)
    }
    // ANCHOR_END: send
}

impl<T: DeserializeOwned> Receiver<T> {
    // ANCHOR: recv
    /// Takes the next item, sleeping while the ring is empty. `Ok(None)`
    /// once the ring is empty and the producer is gone (dropped its
    /// `Sender`, or died).
    pub fn recv(&self) -> io::Result<Option<T>> {
        let ring = &*self.shared;
        let side = Side {
            own: &ring.item_added,
            other: &ring.slot_freed,
            peer: &self.ends.peer,
        };
        let mut bytes = [0_u8; SLOT_BYTES];
        let Some(len) = pop(&ring.control, &ring.slots, &mut bytes, &side)? else {
            return Ok(None);
        };
        postcard::from_bytes(&bytes[..len])
            .map(Some)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
    // ANCHOR_END: recv
}

impl<T> Sender<T> {
    /// Items in the ring right now (a snapshot).
    pub fn queued(&self) -> usize {
        self.shared.control.queued()
    }

    /// How many items the ring holds at most.
    pub fn capacity(&self) -> usize {
        self.shared.slots.len()
    }
}

impl<T> Receiver<T> {
    /// Items in the ring right now (a snapshot).
    pub fn queued(&self) -> usize {
        self.shared.control.queued()
    }

    /// How many items the ring holds at most.
    pub fn capacity(&self) -> usize {
        self.shared.slots.len()
    }
}
