//! The iterator behind `map` and `imap`: it hands chunks to idle workers,
//! waits for replies on every busy worker's pipe at once, and yields the
//! results in input order.

use std::collections::BTreeMap;
use std::io;
use std::ops::Range;
use std::os::fd::AsFd;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use pipes::demos::framing;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ProcessPool;
use super::error::PoolError;
use super::wire::{Order, Outcome, Reply, Task, encode};

/// The items of chunk `chunk` when `len` items are cut in chunks of `size`.
fn chunk_items(chunk: usize, size: usize, len: usize) -> Range<usize> {
    chunk * size..((chunk + 1) * size).min(len)
}

/// The iterator returned by [`ProcessPool::imap`]: results in input order,
/// or one error and then the end.
#[derive(Debug)]
pub struct Imap<'a, T, U> {
    pub(super) pool: &'a mut ProcessPool,
    pub(super) items: &'a [T],
    pub(super) chunksize: usize,
    pub(super) runner: usize,
    pub(super) task: usize,
    /// The chunk each worker is running for this `Imap`, if any.
    pub(super) in_flight: Vec<Option<usize>>,
    pub(super) next_to_send: usize,
    /// Chunks that arrived before the ones in front of them.
    pub(super) early: BTreeMap<usize, Vec<U>>,
    pub(super) next_to_yield: usize,
    pub(super) current: std::vec::IntoIter<U>,
    pub(super) failed: bool,
}

impl<T, U> Imap<'_, T, U>
where
    T: Serialize,
    U: DeserializeOwned,
{
    fn chunks(&self) -> usize {
        self.items.len().div_ceil(self.chunksize)
    }

    fn items_of(&self, chunk: usize) -> Range<usize> {
        chunk_items(chunk, self.chunksize, self.items.len())
    }

    /// Gives `worker` the next chunk, if there is one left.
    pub(super) fn send_next(&mut self, worker: usize) -> Result<(), PoolError> {
        if self.next_to_send == self.chunks() {
            return Ok(());
        }
        let chunk = self.next_to_send;
        self.next_to_send += 1;
        let items =
            encode(&self.items[self.items_of(chunk)]).map_err(|e| PoolError::Serialization {
                chunk,
                items: self.items_of(chunk),
                pid: None,
                message: format!("encode the items: {e}"),
            })?;
        let task = Task {
            chunk,
            runner: self.runner,
            task: self.task,
            items,
        };
        self.in_flight[worker] = Some(chunk);
        let tasks = self.pool.workers[worker].tasks.as_mut();
        let sent = tasks.map_or(Err(io::ErrorKind::BrokenPipe.into()), |t| {
            framing::send(t, &Order::Run(task))
        });
        match sent {
            Ok(()) => Ok(()),
            // A worker that died before reading its chunk: EPIPE.
            Err(_) => Err(self.bury(worker)),
        }
    }

    // ANCHOR: receive
    /// Waits for the next reply from any busy worker and files it.
    fn receive(&mut self) -> Result<(), PoolError> {
        let worker = self.wait_for_reply()?;
        let reply = framing::recv::<Reply>(&mut self.pool.workers[worker].results);
        if self.pool.workers[worker].stale {
            return self.discard_stale(worker, reply);
        }
        let chunk = self.in_flight[worker].expect("only busy workers are polled");
        let pid = self.pool.workers[worker].process.pid();
        let items = self.items_of(chunk);
        let outcome = match reply {
            Ok(Some(reply)) if reply.chunk == chunk => reply.outcome,
            Ok(Some(reply)) => {
                let why = format!("a reply for chunk {}", reply.chunk);
                return Err(self.kill_for_bad_reply(worker, why));
            }
            // End-of-file between frames or inside one: the worker is gone.
            Ok(None) => return Err(self.bury(worker)),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Err(self.bury(worker)),
            // Bytes that are not a reply, from a worker that may well be alive.
            Err(e) => return Err(self.kill_for_bad_reply(worker, e.to_string())),
        };
        self.in_flight[worker] = None;
        match outcome {
            // ANCHOR: decode_after_sending
            Outcome::Done(bytes) => {
                // The worker's next chunk first, so that it works while we decode.
                self.send_next(worker)?;
                let results =
                    postcard::from_bytes(&bytes).map_err(|e| PoolError::Serialization {
                        chunk,
                        items,
                        pid: None,
                        message: format!("decode the results: {e}"),
                    })?;
                self.early.insert(chunk, results);
                Ok(())
            }
            // ANCHOR_END: decode_after_sending
            Outcome::Panicked(message) => Err(PoolError::TaskPanicked {
                chunk,
                items,
                pid,
                message,
            }),
            Outcome::Serde(message) => Err(PoolError::Serialization {
                chunk,
                items,
                pid: Some(pid),
                message,
            }),
        }
    }
    // ANCHOR_END: receive

    /// A reply (or an end) from a worker that was running a chunk of a
    /// dropped `Imap`: thrown away. The worker is free again, or, if it
    /// died on that old chunk, replaced; either way it gets a chunk.
    fn discard_stale(
        &mut self,
        worker: usize,
        reply: io::Result<Option<Reply>>,
    ) -> Result<(), PoolError> {
        if !matches!(reply, Ok(Some(_))) {
            self.pool.replace(worker)?;
        }
        self.pool.workers[worker].stale = false;
        self.send_next(worker)
    }

    /// Blocks until a busy worker's result pipe is readable (a reply, or
    /// end-of-file because the worker died); returns that worker.
    fn wait_for_reply(&self) -> Result<usize, PoolError> {
        let busy: Vec<usize> = (0..self.in_flight.len())
            .filter(|&w| self.in_flight[w].is_some() || self.pool.workers[w].stale)
            .collect();
        assert!(
            !busy.is_empty(),
            "waiting for a reply with nothing in flight"
        );
        // ANCHOR: poll_busy
        loop {
            let mut fds: Vec<PollFd> = busy
                .iter()
                .map(|&w| PollFd::new(self.pool.workers[w].results.as_fd(), PollFlags::POLLIN))
                .collect();
            match poll(&mut fds, PollTimeout::NONE) {
                Ok(_) => {}
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(io::Error::from(e).into()),
            }
            // POLLHUP without POLLIN is end-of-file: a dead worker, also news.
            let ready = fds.iter().position(|fd| {
                fd.revents()
                    .is_some_and(|r| r.intersects(PollFlags::POLLIN | PollFlags::POLLHUP))
            });
            if let Some(i) = ready {
                return Ok(busy[i]);
            }
        }
        // ANCHOR_END: poll_busy
    }

    // ANCHOR: bury
    /// A worker died holding a chunk: reap it, fork its replacement, and say
    /// what happened.
    fn bury(&mut self, worker: usize) -> PoolError {
        let chunk = self.in_flight[worker]
            .take()
            .expect("a dead worker held a chunk");
        let pid = self.pool.workers[worker].process.pid();
        match self.pool.replace(worker) {
            Ok(status) => PoolError::WorkerDied {
                chunk,
                items: self.items_of(chunk),
                pid,
                status,
            },
            Err(e) => e.into(),
        }
    }

    /// A worker sent bytes that are not the reply expected: what else is on
    /// its pipe cannot be trusted, and it may be alive and busy, so it is
    /// killed (not waited for), reaped and replaced.
    fn kill_for_bad_reply(&mut self, worker: usize, message: String) -> PoolError {
        let chunk = self.in_flight[worker]
            .take()
            .expect("a worker that replied held a chunk");
        let pid = self.pool.workers[worker].process.pid();
        match self.pool.replace(worker) {
            Ok(_) => PoolError::BadReply {
                chunk,
                items: self.items_of(chunk),
                pid,
                message,
            },
            Err(e) => e.into(),
        }
    }
    // ANCHOR_END: bury
}

// ANCHOR: next
impl<T, U> Imap<'_, T, U>
where
    T: Serialize,
    U: DeserializeOwned,
{
    /// The results of the next chunk in input order, whole: those that came
    /// early, or those of the next reply to arrive.
    pub(super) fn next_chunk(&mut self) -> Option<Result<Vec<U>, PoolError>> {
        loop {
            if self.failed || self.next_to_yield == self.chunks() {
                return None;
            }
            if let Some(results) = self.early.remove(&self.next_to_yield) {
                self.next_to_yield += 1;
                return Some(Ok(results));
            }
            if let Err(e) = self.receive() {
                self.failed = true;
                return Some(Err(e));
            }
        }
    }
}

impl<T, U> Iterator for Imap<'_, T, U>
where
    T: Serialize,
    U: DeserializeOwned,
{
    type Item = Result<U, PoolError>;

    /// One result at a time, from the chunk in hand, then the next chunk.
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(result) = self.current.next() {
                return Some(Ok(result));
            }
            match self.next_chunk()? {
                Ok(results) => self.current = results.into_iter(),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}
// ANCHOR_END: next

// ANCHOR: drop_imap
impl<T, U> Drop for Imap<'_, T, U> {
    /// Waits for nothing: a chunk may never end. The workers still running
    /// one are marked stale; the next `map` reads their replies and throws
    /// them away before it gives them work, `join` drains them, and dropping
    /// the pool kills them.
    fn drop(&mut self) {
        for (worker, chunk) in self.in_flight.iter_mut().enumerate() {
            if chunk.take().is_some() {
                self.pool.workers[worker].stale = true;
            }
        }
    }
}
// ANCHOR_END: drop_imap
