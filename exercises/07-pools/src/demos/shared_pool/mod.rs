//! A process pool that moves no data through pipes: the items and the
//! results live in shared memory (chapter 6), mapped before the workers are
//! forked, and only chunk numbers and completions cross the pipes.
//!
//! * `cells`: [`InSharedMemory`], the values that may make the trip (those
//!   that fit in an atomic);
//! * `record`: the mappings, and the per-chunk record whose tickets publish
//!   the items to a worker and the results back to the parent;
//! * `worker`: a worker's loop, its two 16-byte messages, its fork;
//! * this module: [`SharedMemoryPool`], `map` and the rounds it runs.
//!
//! What changes from the [pipe pool](super::process_pool):
//!
//! * The task is given once, to [`SharedMemoryPool::new`], and the fork
//!   copies it into every worker: any `Fn(T) -> U`, a closure that captures
//!   too, inlined into the worker's loop (the pipe pool sends a `fn` by
//!   address with every chunk).
//! * The mappings have a fixed size, chosen before the fork: a `map` over
//!   more items than `capacity` runs in rounds of `capacity`.
//! * A worker's results land in memory that the next chunk reuses, so a
//!   worker still running a chunk of a failed `map` is killed and replaced
//!   rather than left to finish: it would write over the next map's results.

mod cells;
mod record;
mod worker;

use std::io::{self, Write};
use std::ops::Range;
use std::os::fd::AsFd;
use std::sync::atomic::Ordering;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use pipes::demos::framing;
use processes::demos::process::ExitStatus;
use timeline::Span;

pub use cells::InSharedMemory;

use cells::as_values;

use super::process_pool::{PoolError, python_chunksize};
use record::Shared;
use worker::{COMPLETION_BYTES, DONE, PANICKED, Worker, decode_pair, encode_pair, spawn_worker};

/// Python's chunk size makes at most this many chunks per worker.
const CHUNKS_PER_WORKER: usize = 4;

// ANCHOR: pool
/// A pool of worker processes that run one task, `F`, over items of type
/// `T` into results of type `U`, reading and writing them in shared memory.
///
/// Only values that fit in a cell of shared memory may be items or results
/// ([`InSharedMemory`]); a task on `String`s is refused (E0277):
///
#[doc = "```compile_fail,E0277"]
#[doc = include_str!("../../../compile_fail/string_in_shared_memory.rs")]
#[doc = "```"]
pub struct SharedMemoryPool<T: InSharedMemory, U: InSharedMemory, F: Fn(T) -> U> {
    shared: Shared<T, U>,
    task: F,
    workers: Vec<Worker>,
    /// The chunk (of the current round) each worker holds, if any.
    busy: Vec<Option<usize>>,
    /// The last ticket handed out; the first is 1, as 0 is "never posted".
    tickets: u64,
    closed: bool,
}
// ANCHOR_END: pool

/// One round of a `map`: up to `capacity` items, cut in chunks of Python's
/// size, posted, handed out and collected in order.
struct Round {
    /// Where the round's items start in the whole `map`, and its first chunk.
    base: usize,
    first_chunk: usize,
    len: usize,
    size: usize,
    count: usize,
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
    fn new(base: usize, first_chunk: usize, len: usize, workers: usize) -> Round {
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
    // ANCHOR: new
    /// Maps room for `capacity` items and as many results, then forks
    /// `workers` workers (at least one of each) that run `task`.
    ///
    /// # Safety
    ///
    /// `task` runs in the forked workers: it must keep
    /// [`Process::start`](processes::demos::process::Process::start)'s
    /// contract, as for [`ProcessPool::new`](super::process_pool::ProcessPool::new):
    /// computation, allocation and async-signal-safe calls only.
    pub unsafe fn new(workers: usize, capacity: usize, task: F) -> io::Result<Self> {
        assert!(workers > 0, "a pool needs at least one worker");
        assert!(capacity > 0, "a pool needs room for at least one item");
        let mut pool = SharedMemoryPool {
            // Before the first fork: mappings made later are not shared.
            shared: Shared::new(capacity, CHUNKS_PER_WORKER * workers)?,
            task,
            workers: Vec::with_capacity(workers),
            busy: vec![None; workers],
            tickets: 0,
            closed: false,
        };
        for _ in 0..workers {
            // SAFETY: `task` keeps `spawn_worker`'s contract: our caller's
            // promise (see `# Safety`).
            let worker = unsafe { spawn_worker(&pool.shared, &pool.task)? };
            pool.workers.push(worker);
        }
        Ok(pool)
    }
    // ANCHOR_END: new

    /// The workers' process ids, in worker order.
    pub fn pids(&self) -> Vec<i32> {
        self.workers.iter().map(|w| w.process.pid()).collect()
    }

    /// How many items fit in the shared mappings: a longer `map` runs in
    /// rounds of this many.
    pub fn capacity(&self) -> usize {
        self.shared.input.len()
    }

    // ANCHOR: map
    /// Applies the task to every item in the workers and returns the results
    /// in input order, like Python's `Pool.map`, with Python's chunk size.
    pub fn map(&mut self, items: &[T]) -> Result<Vec<U>, PoolError> {
        self.run(items, None)
    }
    // ANCHOR_END: map

    /// [`map`](SharedMemoryPool::map), and what happened when: one span per
    /// chunk on its worker's lane, and the parent's copies and waits on the
    /// lane `parent`.
    pub fn map_traced(&mut self, items: &[T]) -> Result<(Vec<U>, Vec<Span>), PoolError> {
        let mut spans = Vec::new();
        let results = self.run(items, Some(&mut spans))?;
        Ok((results, spans))
    }

    fn run(&mut self, items: &[T], mut trace: Option<&mut Vec<Span>>) -> Result<Vec<U>, PoolError> {
        if self.closed {
            return Err(io::Error::other("the pool is closed").into());
        }
        let mut results = Vec::with_capacity(items.len());
        let mut first_chunk = 0;
        for (index, window) in items.chunks(self.capacity()).enumerate() {
            let base = index * self.capacity();
            let mut round = Round::new(base, first_chunk, window.len(), self.workers.len());
            let outcome = self.run_round(&mut round, window, &mut results, trace.as_deref_mut());
            if let Err(error) = outcome {
                self.abandon();
                return Err(error);
            }
            first_chunk += round.count;
        }
        Ok(results)
    }

    // ANCHOR: run_round
    /// Runs one round: keeps every worker busy, posts the next chunk's items
    /// while they work, and appends the results in order as they come.
    fn run_round(
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

    // ANCHOR: abandon
    /// After a failed round: every worker still holding a chunk would go on
    /// writing results into the mappings the next `map` uses, so it is
    /// killed and replaced now, not waited for (its chunk may never end).
    fn abandon(&mut self) {
        for worker in 0..self.workers.len() {
            if self.busy[worker].take().is_some() {
                // A failure here leaves a dead worker in place: the next
                // `send` to it fails with EPIPE, and `bury` tries again.
                let _ = self.replace(worker);
            }
        }
    }
    // ANCHOR_END: abandon

    /// Kills worker `index` (a no-op if it has died already), reaps it, and
    /// forks its replacement in the same place.
    fn replace(&mut self, index: usize) -> io::Result<ExitStatus> {
        let worker = &mut self.workers[index];
        worker.process.kill()?;
        let status = worker.process.join()?;
        // SAFETY: this pool was made by `new`, whose caller promised that
        // `task` keeps `spawn_worker`'s contract.
        let new = unsafe { spawn_worker(&self.shared, &self.task)? };
        self.workers[index] = new;
        Ok(status)
    }

    /// The workers' spans of a finished round, from the records: each
    /// chunk's `done` was loaded with `Acquire` before its results were
    /// read, so its `pid` and times are visible too.
    fn trace_workers(&self, round: &Round, trace: Option<&mut Vec<Span>>) {
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

    // ANCHOR: shutdown
    /// Closes the task pipes and waits for every worker to exit: each sees
    /// end-of-file and exits with 0. Python's `close()` then `join()`.
    pub fn join(mut self) -> io::Result<Vec<ExitStatus>> {
        self.closed = true;
        for worker in &mut self.workers {
            worker.tasks = None;
        }
        self.workers.iter_mut().map(|w| w.process.join()).collect()
    }
}

impl<T: InSharedMemory, U: InSharedMemory, F: Fn(T) -> U> Drop for SharedMemoryPool<T, U, F> {
    /// Kills and reaps every worker, as leaving Python's `with Pool()`
    /// block does: a chunk that never ends cannot hold the drop. The
    /// mappings are unmapped after the workers are gone (fields drop after
    /// `drop` returns).
    fn drop(&mut self) {
        for worker in &mut self.workers {
            worker.tasks = None;
            let _ = worker.process.kill();
            let _ = worker.process.join();
        }
    }
}
// ANCHOR_END: shutdown

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
