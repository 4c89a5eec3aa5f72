//! A process pool on the primitives of chapters 3 to 5: `fork` (the
//! `Process` type), pipes, and serde frames. One module per part, each read
//! on its own:
//!
//! * `wire`: the messages on the pipes, and how chunks are encoded;
//! * `worker`: a worker's loop, and how it is forked;
//! * [`error`](PoolError): why a `map` failed;
//! * this module: [`ProcessPool`], forking the workers, `map`, shutdown;
//! * `imap`: the [`Imap`] iterator, which hands out chunks and yields results
//!   in input order.
//!
//! What it does:
//!
//! * [`ProcessPool::new`] forks the workers up front. Each worker has a pipe
//!   of its own for tasks and one for results, so the parent always knows
//!   which chunk is in which worker, and it holds no other descriptor but 0,
//!   1 and 2: not the other workers' pipes, not another pool's. So closing a
//!   worker's task pipe ends that worker, however many pools are alive.
//! * [`ProcessPool::imap`] cuts the items into chunks, hands one chunk to each
//!   idle worker, and yields the results in input order as they come back;
//!   [`ProcessPool::map`] collects them, with Python's chunk size.
//! * A worker that dies is *reported*: the end-of-file on its result pipe
//!   tells the parent at once, which reaps it, starts a replacement, and
//!   returns [`PoolError::WorkerDied`] naming the chunk, the pid and the
//!   signal or exit code. Python's `Pool.map` waits for that chunk for ever.
//!   A worker that sends bytes that are not a reply is killed before it is
//!   reaped ([`PoolError::BadReply`]): it may be alive, and waiting for it
//!   could take for ever.
//! * Dropping the pool kills its workers and reaps them, as leaving Python's
//!   `with Pool() as pool:` block calls `terminate()`: no worker outlives
//!   the pool, and a task that never ends cannot hold the drop. To let the
//!   work in progress finish, [`close`](ProcessPool::close) and
//!   [`join`](ProcessPool::join) first.

mod error;
mod imap;
mod wire;
mod worker;

use std::collections::BTreeMap;
use std::io;
use std::os::fd::RawFd;

use processes::demos::process::ExitStatus;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use error::PoolError;
pub use imap::Imap;
pub use worker::panic_message;

use pipes::demos::framing;
use wire::{Order, Reply, Runner, run_chunk};
use worker::{Worker, spawn_worker};

// ANCHOR: chunksize
/// Python's default chunk size for `Pool.map`: aim at about four chunks per
/// worker, `chunksize, extra = divmod(len, 4 * workers)`, plus one if there
/// is a remainder. That is `len / (4 * workers)` rounded up.
pub fn python_chunksize(len: usize, workers: usize) -> usize {
    len.div_ceil(4 * workers)
}
// ANCHOR_END: chunksize

/// A pool of worker processes, forked once and reused for every `map`.
#[derive(Debug)]
pub struct ProcessPool {
    workers: Vec<Worker>,
    /// Descriptors of this process that every worker keeps open.
    keep: Vec<RawFd>,
    closed: bool,
}

impl ProcessPool {
    // ANCHOR: new
    /// Forks `workers` worker processes (at least one). A worker holds its
    /// own two pipe ends and descriptors 0, 1 and 2, nothing else of this
    /// process (see [`new_keeping_fds`](ProcessPool::new_keeping_fds)).
    ///
    /// Safe: a worker runs only its own loop until a task reaches it, and
    /// that loop is fine in a child forked from a multithreaded process, now
    /// or later, when a dead worker is replaced. What a task does in there is
    /// the business of whoever hands it over: [`map`](ProcessPool::map) and
    /// [`imap`](ProcessPool::imap) are the `unsafe` calls.
    pub fn new(workers: usize) -> io::Result<ProcessPool> {
        ProcessPool::new_keeping_fds(workers, &[])
    }
    // ANCHOR_END: new

    /// Like [`new`](ProcessPool::new), but every worker, replacements
    /// included, also keeps the descriptors in `keep` open, for tasks that
    /// use them (a pipe to report on, a file to append to). Keep them open
    /// while the pool lives: a replacement forked later keeps whatever has
    /// those numbers then.
    pub fn new_keeping_fds(workers: usize, keep: &[RawFd]) -> io::Result<ProcessPool> {
        assert!(workers > 0, "a pool needs at least one worker");
        let mut pool = ProcessPool {
            workers: Vec::with_capacity(workers),
            keep: keep.to_vec(),
            closed: false,
        };
        for _ in 0..workers {
            pool.workers.push(spawn_worker(&pool.keep)?);
        }
        Ok(pool)
    }

    /// How many workers the pool has.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// The workers' process ids, in worker order.
    pub fn pids(&self) -> Vec<i32> {
        self.workers.iter().map(|w| w.process.pid()).collect()
    }

    // ANCHOR: map
    /// Applies `task` to every item in worker processes and returns the
    /// results in input order, like Python's `Pool.map`, with Python's chunk
    /// size ([`python_chunksize`]). It takes the results a chunk at a time,
    /// straight into a vector of the right size.
    ///
    /// # Safety
    ///
    /// `task` runs in the worker processes, forked from this one (and
    /// replacements are forked whenever a worker dies, perhaps when this
    /// process has other threads). So `task` must keep
    /// [`Process::start`](processes::demos::process::Process::start)'s
    /// contract for a child of a multithreaded parent: computation,
    /// allocation and async-signal-safe calls only; no std lock (no
    /// `println!`, no `Mutex` shared with the parent's threads), no lazy
    /// initialisation, no `std::env`, no threads. A panic is fine: the
    /// worker catches it and reports it.
    pub unsafe fn map<T, U>(&mut self, task: fn(T) -> U, items: &[T]) -> Result<Vec<U>, PoolError>
    where
        T: Serialize + DeserializeOwned,
        U: Serialize + DeserializeOwned,
    {
        let chunksize = python_chunksize(items.len(), self.workers());
        // SAFETY: `task` keeps `imap`'s contract: our caller's promise.
        let mut chunks = unsafe { self.imap(task, items, chunksize) }?;
        let mut results = Vec::with_capacity(items.len());
        while let Some(chunk) = chunks.next_chunk() {
            results.extend(chunk?);
        }
        Ok(results)
    }
    // ANCHOR_END: map

    // ANCHOR: imap
    /// Like [`map`](ProcessPool::map), but yields each result as soon as it
    /// and every result before it have arrived. `chunksize` items go to a
    /// worker at a time (Python's `imap` defaults to 1). The first chunks are
    /// sent at once, one per idle worker; a worker gets its next chunk when
    /// its reply arrives.
    ///
    /// # Safety
    ///
    /// As for [`map`](ProcessPool::map): `task` runs in a forked worker.
    pub unsafe fn imap<'a, T, U>(
        &'a mut self,
        task: fn(T) -> U,
        items: &'a [T],
        chunksize: usize,
    ) -> Result<Imap<'a, T, U>, PoolError>
    where
        T: Serialize + DeserializeOwned,
        U: Serialize + DeserializeOwned,
    {
        if self.closed {
            return Err(io::Error::other("the pool is closed").into());
        }
        let mut imap = Imap {
            in_flight: vec![None; self.workers.len()],
            pool: self,
            items,
            chunksize: chunksize.max(1),
            runner: run_chunk::<T, U> as Runner as usize,
            task: task as usize,
            next_to_send: 0,
            early: BTreeMap::new(),
            next_to_yield: 0,
            current: Vec::new().into_iter(),
            failed: false,
        };
        for worker in 0..imap.in_flight.len() {
            // A stale worker gets its first chunk once its old reply is in.
            if !imap.pool.workers[worker].stale {
                imap.send_next(worker)?;
            }
        }
        Ok(imap)
    }
    // ANCHOR_END: imap

    /// Kills worker `index` (a no-op if it has died already: the kernel keeps
    /// the status it died with), reaps it, and forks its replacement in the
    /// same place. Killing first is what makes the reaping certain to
    /// return: the worker may be alive, busy, or blocked on a full pipe.
    fn replace(&mut self, index: usize) -> io::Result<ExitStatus> {
        let worker = &mut self.workers[index];
        worker.process.kill()?;
        let status = worker.process.join()?;
        let new = spawn_worker(&self.keep)?;
        drop(std::mem::replace(&mut self.workers[index], new));
        Ok(status)
    }

    // ANCHOR: shutdown
    // ANCHOR: close
    /// Tells each worker to stop once it has finished what it holds, and
    /// closes its task pipe. Python's `Pool.close`, which sends each worker
    /// a sentinel: a worker cannot wait for the end-of-file of its task
    /// pipe, since any child forked after the pool keeps the parent's write
    /// end open (close-on-exec does nothing for a fork that does not exec,
    /// and Linux has no close-on-fork).
    pub fn close(&mut self) {
        self.closed = true;
        for worker in &mut self.workers {
            if let Some(mut tasks) = worker.tasks.take() {
                // A worker that died cannot read it (EPIPE): `join` reports it.
                let _ = framing::send(&mut tasks, &Order::Stop);
            }
        }
    }
    // ANCHOR_END: close

    /// Waits for every worker to exit, after [`close`](ProcessPool::close)
    /// or [`terminate`](ProcessPool::terminate), and returns how each ended.
    /// It ends however many other children this process has: it waits for
    /// the workers to obey the stop message, not for an end-of-file.
    /// A worker still running a chunk of a dropped [`Imap`] finishes it
    /// first (its reply is read and thrown away), as Python's `join` waits
    /// for the tasks in progress: a task that never ends makes `join` wait
    /// for ever, and `terminate` or dropping the pool does not.
    pub fn join(&mut self) -> io::Result<Vec<ExitStatus>> {
        if !self.closed {
            return Err(io::Error::other(
                "close() or terminate() the pool before join()",
            ));
        }
        for worker in &mut self.workers {
            if std::mem::take(&mut worker.stale) {
                // Read the reply, or the worker could block writing it.
                let _ = framing::recv::<Reply>(&mut worker.results);
            }
        }
        self.workers.iter_mut().map(|w| w.process.join()).collect()
    }

    /// Stops every worker now with SIGTERM, whatever it is doing, and reaps
    /// it. Python's `Pool.terminate`.
    pub fn terminate(&mut self) -> io::Result<Vec<ExitStatus>> {
        // Signal first: a worker that saw its task pipe close first would
        // exit normally instead.
        for worker in &self.workers {
            worker.process.terminate()?;
        }
        self.close();
        self.join()
    }
}

// ANCHOR: drop_kills
impl Drop for ProcessPool {
    /// Kills and reaps every worker, as Python's `with Pool()` block ends
    /// with `terminate()`: a task still running is lost, and one that never
    /// ends (or that handles SIGTERM) cannot make the drop wait, since
    /// SIGKILL cannot be caught. Idle workers lose nothing. To let running
    /// work finish, call [`close`](ProcessPool::close) and
    /// [`join`](ProcessPool::join) before the drop.
    fn drop(&mut self) {
        self.closed = true;
        for worker in &mut self.workers {
            worker.tasks = None;
            let _ = worker.process.kill();
            let _ = worker.process.join();
        }
    }
}
// ANCHOR_END: drop_kills
// ANCHOR_END: shutdown
