//! One round of a `map`: cutting the items into chunks, posting them in
//! shared memory, handing them out, and taking the results back in order.

use std::io::{self, Write};
use std::ops::Range;
use std::os::fd::AsFd;
use std::sync::atomic::Ordering;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use pipes::demos::framing;
use timeline::Span;

use super::SharedMemoryPool;
use super::cells::{InSharedMemory, as_values};
use super::worker::{COMPLETION_BYTES, DONE, PANICKED, decode_pair, encode_pair};
use crate::demos::process_pool::{PoolError, python_chunksize};

/// One round of a `map`: up to `capacity` items, cut in chunks of Python's
/// size, posted, handed out and collected in order.
pub(super) struct Round {
    /// Where the round's items start in the whole `map`, and its first chunk.
    base: usize,
    first_chunk: usize,
    len: usize,
    size: usize,
    pub(super) count: usize,
    /// Chunks whose items are in shared memory, and their tickets.
    tickets: Vec<u64>,
    /// Chunks given to a worker.
    sent: usize,
    /// Chunks whose completion has arrived.
    done: Vec<bool>,
    /// Chunks whose results are in the caller's vector.
    copied: usize,
}

impl Round {
    pub(super) fn new(base: usize, first_chunk: usize, len: usize, workers: usize) -> Round {
        let size = python_chunksize(len, workers).max(1);
        let count = len.div_ceil(size);
        Round {
            base,
            first_chunk,
            len,
            size,
            count,
            tickets: Vec::with_capacity(count),
            sent: 0,
            done: vec![false; count],
            copied: 0,
        }
    }

    /// Chunk `chunk`'s items, as positions in the shared mappings.
    fn items(&self, chunk: usize) -> Range<usize> {
        chunk * self.size..((chunk + 1) * self.size).min(self.len)
    }

    fn posted(&self) -> usize {
        self.tickets.len()
    }
}

impl<T, U, F> SharedMemoryPool<T, U, F>
where
    T: InSharedMemory,
    U: InSharedMemory,
    F: Fn(T) -> U,
{
    // ANCHOR: run_round
    /// Runs one round: keeps every worker busy, posts the next chunk's items
    /// while they work, and appends the results in order as they come.
    pub(super) fn run_round(
        &mut self,
        round: &mut Round,
        window: &[T],
        results: &mut Vec<U>,
        mut trace: Option<&mut Vec<Span>>,
    ) -> Result<(), PoolError> {
        loop {
            for worker in 0..self.workers.len() {
                if self.busy[worker].is_none() && round.sent < round.count {
                    if round.posted() == round.sent {
                        self.post(round, window, trace.as_deref_mut());
                    }
                    self.send(worker, round)?;
                }
            }
            while round.copied < round.count && round.done[round.copied] {
                let start = timeline::now_ns();
                self.copy_out(round, round.copied, results);
                note(
                    &mut trace,
                    "copy out",
                    round.first_chunk + round.copied,
                    start,
                );
                round.copied += 1;
            }
            if round.copied == round.count {
                self.trace_workers(round, trace);
                return Ok(());
            }
            // Post the next chunk ahead, unless a completion is waiting.
            let ahead = round.posted() < round.count;
            let timeout = if ahead {
                PollTimeout::ZERO
            } else {
                PollTimeout::NONE
            };
            let start = timeline::now_ns();
            match self.wait_for_completion(timeout)? {
                Some(worker) => {
                    if !ahead {
                        note(&mut trace, "wait", round.first_chunk + round.copied, start);
                    }
                    self.receive(worker, round)?;
                }
                None => self.post(round, window, trace.as_deref_mut()),
            }
        }
    }
    // ANCHOR_END: run_round

    // ANCHOR: post
    /// Copies the next chunk's items into shared memory and publishes them
    /// under a new ticket. Only the parent writes `input` and the record's
    /// `start`, `end` and `posted`, and no worker holds this chunk yet.
    fn post(&mut self, round: &mut Round, window: &[T], trace: Option<&mut Vec<Span>>) {
        let chunk = round.posted();
        let items = round.items(chunk);
        let start = timeline::now_ns();
        let values = &window[items.clone()];
        // SAFETY: `items` lies inside the mapping (a round holds at most
        // `capacity` items), whose cells have the layout of `T`
        // (`InSharedMemory`), and no other process reads or writes these
        // slots now. Only the parent writes `input`. The chunk is not posted
        // yet, so no worker of this round reads them; the workers that read
        // them in an earlier round or map have either sent their completion,
        // which the parent received after an Acquire load of their ticket
        // (so their reads happened before this write), or were killed and
        // reaped (`abandon`, `bury`) and are gone.
        unsafe {
            let slots = as_values::<T>(&self.shared.input).add(items.start);
            std::ptr::copy_nonoverlapping(values.as_ptr(), slots, values.len());
        }
        let record = &self.shared.chunks[chunk];
        record.start.store(items.start, Ordering::Relaxed);
        record.end.store(items.end, Ordering::Relaxed);
        self.tickets += 1;
        record.posted.store(self.tickets, Ordering::Release);
        round.tickets.push(self.tickets);
        let mut trace = trace;
        note(&mut trace, "copy in", round.first_chunk + chunk, start);
    }
    // ANCHOR_END: post

    // ANCHOR: copy_out
    /// Appends chunk `chunk`'s results, whose completion has arrived, to
    /// `results`.
    fn copy_out(&self, round: &Round, chunk: usize, results: &mut Vec<U>) {
        let items = round.items(chunk);
        results.reserve(items.len());
        // SAFETY: `items` lies inside the mapping, whose cells have the
        // layout of `U` and hold valid `U`s whatever their bytes
        // (`InSharedMemory`); `results` has room for `items.len()` more. The
        // worker that held the chunk wrote these slots, then stored the
        // chunk's ticket in `done` with Release, then wrote its completion;
        // `receive` read the completion, then loaded `done` with Acquire and
        // found the ticket: the worker's writes happened before this read.
        // No one writes these slots now: only the holder of a chunk writes
        // its result slots, this chunk is finished, and the chunks the
        // workers hold now cover other slots.
        unsafe {
            let slots = as_values::<U>(&self.shared.output).add(items.start);
            let end = results.as_mut_ptr().add(results.len());
            std::ptr::copy_nonoverlapping(slots, end, items.len());
            results.set_len(results.len() + items.len());
        }
    }
    // ANCHOR_END: copy_out

    /// Hands chunk `round.sent` to `worker`: 16 bytes on its task pipe.
    fn send(&mut self, worker: usize, round: &mut Round) -> Result<(), PoolError> {
        let chunk = round.sent;
        round.sent += 1;
        self.busy[worker] = Some(chunk);
        let message = encode_pair(chunk as u64, round.tickets[chunk]);
        let sent = match self.workers[worker].tasks.as_mut() {
            Some(tasks) => tasks.write_all(&message),
            None => Err(io::ErrorKind::BrokenPipe.into()),
        };
        // A worker that died before reading its chunk: EPIPE.
        sent.map_err(|_| self.bury(worker, round))
    }

    // ANCHOR: receive
    /// Reads `worker`'s completion and checks it against the record.
    fn receive(&mut self, worker: usize, round: &mut Round) -> Result<(), PoolError> {
        let chunk = self.busy[worker].expect("only busy workers are polled");
        let mut message = [0; COMPLETION_BYTES];
        let pipe = &mut self.workers[worker].completions;
        match framing::read_until_full(pipe, &mut message) {
            Ok(COMPLETION_BYTES) => {}
            // End-of-file, between messages or inside one: the worker is gone.
            Ok(_) => return Err(self.bury(worker, round)),
            Err(e) => return Err(self.kill_for_bad_reply(worker, round, e.to_string())),
        }
        let (said, status) = decode_pair(&message);
        if said != chunk as u64 {
            let why = format!("a completion for chunk {said}");
            return Err(self.kill_for_bad_reply(worker, round, why));
        }
        // The edge from the worker: it stored `done = ticket` (Release) after
        // the last result, then wrote the message we just read, so this
        // load sees the store (the pipe's mutex ordered the two system
        // calls) and every result of the chunk is visible from here on.
        if self.shared.chunks[chunk].done.load(Ordering::Acquire) != round.tickets[chunk] {
            let why = "a completion before the chunk's results were published".to_string();
            return Err(self.kill_for_bad_reply(worker, round, why));
        }
        self.busy[worker] = None;
        match status {
            DONE => {
                round.done[chunk] = true;
                Ok(())
            }
            PANICKED => {
                let message = framing::recv_bytes(&mut self.workers[worker].completions);
                let Ok(Some(message)) = message else {
                    self.busy[worker] = Some(chunk);
                    return Err(self.bury(worker, round));
                };
                Err(PoolError::TaskPanicked {
                    chunk: round.first_chunk + chunk,
                    items: absolute(round, chunk),
                    pid: self.workers[worker].process.pid(),
                    message: String::from_utf8_lossy(&message).into_owned(),
                })
            }
            other => {
                self.busy[worker] = Some(chunk);
                let why = format!("a completion with status {other}");
                Err(self.kill_for_bad_reply(worker, round, why))
            }
        }
    }
    // ANCHOR_END: receive

    /// Blocks (or, with `PollTimeout::ZERO`, only looks) until a busy
    /// worker's completion pipe is readable: a completion, or end-of-file
    /// because the worker died.
    fn wait_for_completion(&self, timeout: PollTimeout) -> Result<Option<usize>, PoolError> {
        let busy: Vec<usize> = (0..self.workers.len())
            .filter(|&w| self.busy[w].is_some())
            .collect();
        assert!(
            !busy.is_empty(),
            "waiting for a completion with nothing in flight"
        );
        loop {
            let mut fds: Vec<PollFd> = busy
                .iter()
                .map(|&w| PollFd::new(self.workers[w].completions.as_fd(), PollFlags::POLLIN))
                .collect();
            match poll(&mut fds, timeout) {
                Ok(0) if timeout == PollTimeout::ZERO => return Ok(None),
                Ok(_) => {}
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(io::Error::from(e).into()),
            }
            let ready = fds.iter().position(|fd| {
                fd.revents()
                    .is_some_and(|r| r.intersects(PollFlags::POLLIN | PollFlags::POLLHUP))
            });
            if let Some(i) = ready {
                return Ok(Some(busy[i]));
            }
        }
    }

    // ANCHOR: bury
    /// `worker` died holding a chunk: reap it, fork its replacement (which
    /// shares the same mappings), and say what happened.
    fn bury(&mut self, worker: usize, round: &Round) -> PoolError {
        let chunk = self.busy[worker]
            .take()
            .expect("a dead worker held a chunk");
        let pid = self.workers[worker].process.pid();
        match self.replace(worker) {
            Ok(status) => PoolError::WorkerDied {
                chunk: round.first_chunk + chunk,
                items: absolute(round, chunk),
                pid,
                status,
            },
            Err(e) => e.into(),
        }
    }
    // ANCHOR_END: bury

    /// `worker` said something that is not the completion expected: it may
    /// be alive and writing into shared memory, so it is killed and replaced.
    fn kill_for_bad_reply(&mut self, worker: usize, round: &Round, message: String) -> PoolError {
        let chunk = self.busy[worker]
            .take()
            .expect("a worker that replied held a chunk");
        let pid = self.workers[worker].process.pid();
        match self.replace(worker) {
            Ok(_) => PoolError::BadReply {
                chunk: round.first_chunk + chunk,
                items: absolute(round, chunk),
                pid,
                message,
            },
            Err(e) => e.into(),
        }
    }

    /// The workers' spans of a finished round, from the records: each
    /// chunk's `done` was loaded with `Acquire` before its results were
    /// read, so its `pid` and times are visible too.
    pub(super) fn trace_workers(&self, round: &Round, trace: Option<&mut Vec<Span>>) {
        let Some(trace) = trace else { return };
        for chunk in 0..round.count {
            let record = &self.shared.chunks[chunk];
            let lane = format!("process {}", record.pid.load(Ordering::Relaxed));
            let label = format!("chunk {}", round.first_chunk + chunk);
            let start = record.started_ns.load(Ordering::Relaxed);
            let end = record.finished_ns.load(Ordering::Relaxed).max(start);
            trace.push(Span::new(&lane, &label, start, end));
        }
    }
}

/// Chunk `chunk`'s items as positions in the whole `map`.
fn absolute(round: &Round, chunk: usize) -> Range<usize> {
    let items = round.items(chunk);
    round.base + items.start..round.base + items.end
}

/// Adds the parent's span `what` of chunk `chunk`, from `start` to now.
fn note(trace: &mut Option<&mut Vec<Span>>, what: &str, chunk: usize, start: u64) {
    if let Some(trace) = trace {
        trace.push(Span::new(
            "parent",
            &format!("{what} {chunk}"),
            start,
            timeline::now_ns(),
        ));
    }
}
