//! ALT: a channel that holds one token per free permit
//!
//! A bounded channel is a queue with the waiting already built in: taking a
//! permit is receiving a token, giving it back is sending it again. The
//! receiver cannot be shared by itself, so it sits behind a `Mutex`; the
//! thread that holds that lock is the one waiting for the next token, and
//! the others wait for the lock, asleep too.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};

/// A counting semaphore: at most `permits` holders of a [`Permit`] at once.
#[derive(Debug)]
pub struct Semaphore {
    tokens: Mutex<Receiver<()>>,
    give_back: SyncSender<()>,
    /// Tokens in the channel, for `available_permits` only.
    free: AtomicUsize,
}

/// Proof that its holder has a permit. Dropping it releases the permit.
#[derive(Debug)]
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `permits` free permits.
    pub fn new(permits: usize) -> Self {
        // Room for every token, so that giving one back never waits.
        let (give_back, tokens) = mpsc::sync_channel(permits);
        for _ in 0..permits {
            give_back.send(()).expect("the receiver is right here");
        }
        Semaphore {
            tokens: Mutex::new(tokens),
            give_back,
            free: AtomicUsize::new(permits),
        }
    }

    /// Waits until a permit is free, takes it, and returns it as a [`Permit`].
    pub fn acquire(&self) -> Permit<'_> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens
            .recv()
            .expect("the semaphore holds a sender, so the channel stays open");
        self.free.fetch_sub(1, Ordering::SeqCst);
        Permit { semaphore: self }
    }

    /// Takes a permit if one is free right now; never waits.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        // A thread blocked in `acquire` holds the lock: then no token is
        // free, and waiting for the lock would be waiting for a permit.
        let tokens = self.tokens.try_lock().ok()?;
        match tokens.try_recv() {
            Ok(()) => {
                self.free.fetch_sub(1, Ordering::SeqCst);
                Some(Permit { semaphore: self })
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => unreachable!("the semaphore holds a sender"),
        }
    }

    /// How many permits are free right now.
    pub fn available_permits(&self) -> usize {
        self.free.load(Ordering::SeqCst)
    }

    fn release(&self) {
        self.free.fetch_add(1, Ordering::SeqCst);
        self.give_back
            .send(())
            .expect("the semaphore holds the receiver, so the channel stays open");
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}
