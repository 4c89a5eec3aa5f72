//! A process pool on the primitives of chapters 3 to 5: `fork` (the
//! [`Process`] type), pipes, and serde frames.
//!
//! * [`ProcessPool::new`] forks the workers up front. Each worker has a pipe
//!   of its own for tasks and one for results, so the parent always knows
//!   which chunk is in which worker.
//! * [`ProcessPool::imap`] cuts the items into chunks, hands one chunk to each
//!   idle worker, and yields the results in input order as they come back;
//!   [`ProcessPool::map`] collects them, with Python's chunk size.
//! * A worker that dies is *reported*: the end-of-file on its result pipe
//!   tells the parent at once, which reaps it, starts a replacement, and
//!   returns [`PoolError::WorkerDied`] naming the chunk, the pid and the
//!   signal or exit code. Python's `Pool.map` waits for that chunk for ever.
//! * Dropping the pool closes the task pipes; the workers see end-of-file,
//!   exit, and are joined. No worker outlives the pool.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, PipeReader, PipeWriter};
use std::ops::Range;
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::panic::{AssertUnwindSafe, catch_unwind};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use pipes::demos::framing;
use processes::demos::process::{ExitStatus, Process};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

// ANCHOR: chunksize
/// Python's default chunk size for `Pool.map`: aim at about four chunks per
/// worker, `chunksize, extra = divmod(len, 4 * workers)`, plus one if there
/// is a remainder. That is `len / (4 * workers)` rounded up.
pub fn python_chunksize(len: usize, workers: usize) -> usize {
    len.div_ceil(4 * workers)
}
// ANCHOR_END: chunksize

/// The items of chunk `chunk` when `len` items are cut in chunks of `size`.
fn chunk_items(chunk: usize, size: usize, len: usize) -> Range<usize> {
    chunk * size..((chunk + 1) * size).min(len)
}

// ANCHOR: messages
/// A chunk of work, parent to worker. The function travels as two addresses:
/// `runner` decodes the items, calls `task` on each and encodes the results.
/// The items are already encoded: `serde_bytes` sends them as one block of
/// bytes, not as a sequence of a million `u8`s to encode one by one.
#[derive(Debug, Serialize, Deserialize)]
struct Task {
    chunk: usize,
    runner: usize,
    task: usize,
    #[serde(with = "serde_bytes")]
    items: Vec<u8>,
}

/// What became of a chunk, worker to parent: the encoded results (one block
/// of bytes again), or the message of the panic that interrupted it.
#[derive(Debug, Serialize, Deserialize)]
struct Reply {
    chunk: usize,
    outcome: Result<ByteBuf, String>,
}

/// Decodes a chunk, applies the task, encodes the results.
type Runner = fn(usize, &[u8]) -> Result<Vec<u8>, String>;
// ANCHOR_END: messages

// ANCHOR: runner
/// The worker's side of one chunk, for one pair of types. `map::<T, U>` sends
/// the address of `run_chunk::<T, U>` with the address of the task itself.
fn run_chunk<T: DeserializeOwned, U: Serialize>(
    task: usize,
    items: &[u8],
) -> Result<Vec<u8>, String> {
    // SAFETY: `task` is the address of a `fn(T) -> U`, taken by
    // `ProcessPool::imap` in the process this worker was forked from. fork
    // copies the program's code at the same addresses, and this `run_chunk`
    // is the very instance made for the same `T` and `U`.
    let task = unsafe { std::mem::transmute::<usize, fn(T) -> U>(task) };
    let items: Vec<T> = postcard::from_bytes(items).map_err(|e| e.to_string())?;
    let results: Vec<U> = items.into_iter().map(task).collect();
    encode(&results).map_err(|e| e.to_string())
}
// ANCHOR_END: runner

// ANCHOR: encode
/// Encodes a chunk into a buffer sized for it up front: as many bytes as the
/// items take in memory, which postcard's variable-length integers rarely
/// exceed. A buffer grown from empty would copy what it holds at each
/// doubling, up to a megabyte at a time for a large chunk.
fn encode<T: Serialize>(items: &[T]) -> postcard::Result<Vec<u8>> {
    let room = std::mem::size_of_val(items) + 16;
    postcard::to_extend(items, Vec::with_capacity(room))
}
// ANCHOR_END: encode

// ANCHOR: worker_loop
/// A worker's whole life: take a chunk, run it, send the reply, until the
/// parent closes the task pipe. A panic in the task is caught and sent back,
/// like a Python exception; anything worse (abort, a signal, `exit`) ends
/// the process, and the parent sees end-of-file on the result pipe.
fn worker_loop(mut tasks: PipeReader, mut results: PipeWriter) -> i32 {
    loop {
        let task: Task = match framing::recv(&mut tasks) {
            Ok(Some(task)) => task,
            Ok(None) => return 0, // the pool was closed: a normal exit
            Err(_) => return 2,
        };
        // SAFETY: `runner` is the address of a `run_chunk` instance, taken by
        // the parent; this process is a fork of it, never an exec, so the same
        // code sits at the same address here.
        let runner = unsafe { std::mem::transmute::<usize, Runner>(task.runner) };
        let outcome = catch_unwind(AssertUnwindSafe(|| runner(task.task, &task.items)))
            .unwrap_or_else(|panic| Err(panic_message(panic.as_ref())))
            .map(ByteBuf::from);
        let reply = Reply {
            chunk: task.chunk,
            outcome,
        };
        if framing::send(&mut results, &reply).is_err() {
            return 3; // the parent is gone
        }
    }
}
// ANCHOR_END: worker_loop

/// The text of a panic payload (`panic!("...")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a payload that is not text".to_string()
    }
}

// ANCHOR: error
/// Why a `map` or `imap` of a [`ProcessPool`] failed.
#[derive(Debug)]
pub enum PoolError {
    /// The task panicked on one of the chunk's items. The worker caught it
    /// and lives on (Python re-raises the task's exception the same way).
    TaskPanicked {
        chunk: usize,
        items: Range<usize>,
        pid: i32,
        message: String,
    },
    /// The worker process ended while it held the chunk: killed by a signal,
    /// aborted, or it called `exit`. The pool has started a replacement.
    WorkerDied {
        chunk: usize,
        items: Range<usize>,
        pid: i32,
        status: ExitStatus,
    },
    /// The pool was closed, or a pipe or fork failed.
    Io(io::Error),
}
// ANCHOR_END: error

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::TaskPanicked {
                chunk,
                items,
                pid,
                message,
            } => write!(
                f,
                "the task panicked in worker {pid} on chunk {chunk} (items {items:?}): {message}"
            ),
            PoolError::WorkerDied {
                chunk,
                items,
                pid,
                status,
            } => write!(
                f,
                "worker {pid} {status} while running chunk {chunk} (items {items:?})"
            ),
            PoolError::Io(e) => write!(f, "pool: {e}"),
        }
    }
}

impl std::error::Error for PoolError {}

impl From<io::Error> for PoolError {
    fn from(e: io::Error) -> Self {
        PoolError::Io(e)
    }
}

/// One worker: its process and the parent's ends of its two pipes.
#[derive(Debug)]
struct Worker {
    process: Process,
    tasks: Option<PipeWriter>,
    results: PipeReader,
}

impl Worker {
    /// The descriptors the parent holds for this worker. A worker forked
    /// later must close them, or it would keep this worker's task pipe open
    /// after the parent closed it (chapter 4's leaked write end).
    fn parent_fds(&self) -> Vec<RawFd> {
        let mut fds = vec![self.results.as_raw_fd()];
        fds.extend(self.tasks.as_ref().map(|t| t.as_raw_fd()));
        fds
    }
}

// ANCHOR: spawn_worker
/// Forks one worker with a task pipe and a result pipe of its own. The new
/// worker closes the parent's ends of the `others`' pipes.
fn spawn_worker(others: &[Worker]) -> io::Result<Worker> {
    let (task_reader, task_writer) = io::pipe()?;
    let (result_reader, result_writer) = io::pipe()?;
    let mut not_mine: Vec<RawFd> = others.iter().flat_map(Worker::parent_fds).collect();
    not_mine.extend([task_writer.as_raw_fd(), result_reader.as_raw_fd()]);
    // `start` only lends the closure to the child: the pipe ends go to
    // `worker_loop` by value, so they come out of an Option.
    let mut ends = Some((task_reader, result_writer));
    // SAFETY: NOT PROVEN. The child closes descriptors and runs
    // `worker_loop`: read, write, decoding and encoding (allocation is
    // allowed: glibc's malloc survives fork), and the tasks that `map` is
    // given, which nothing here vouches for: `map` should pass
    // `Process::start`'s contract on to its caller (left to the owner of
    // chapter 7).
    let process = unsafe {
        Process::start(move || {
            for &fd in &not_mine {
                let _ = nix::unistd::close(fd);
            }
            match ends.take() {
                Some((task_reader, result_writer)) => worker_loop(task_reader, result_writer),
                None => 127,
            }
        })
    }?;
    // `start` dropped the closure in the parent, and with it the parent's
    // copies of the worker's ends: the result pipe ends when the worker does.
    Ok(Worker {
        process,
        tasks: Some(task_writer),
        results: result_reader,
    })
}
// ANCHOR_END: spawn_worker

/// A pool of worker processes, forked once and reused for every `map`.
#[derive(Debug)]
pub struct ProcessPool {
    workers: Vec<Worker>,
    closed: bool,
}

impl ProcessPool {
    // ANCHOR: new
    /// Forks `workers` worker processes (at least one).
    pub fn new(workers: usize) -> io::Result<ProcessPool> {
        assert!(workers > 0, "a pool needs at least one worker");
        let mut pool = ProcessPool {
            workers: Vec::with_capacity(workers),
            closed: false,
        };
        for _ in 0..workers {
            let worker = spawn_worker(&pool.workers)?;
            pool.workers.push(worker);
        }
        Ok(pool)
    }
    // ANCHOR_END: new

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
    pub fn map<T, U>(&mut self, task: fn(T) -> U, items: &[T]) -> Result<Vec<U>, PoolError>
    where
        T: Serialize + DeserializeOwned,
        U: Serialize + DeserializeOwned,
    {
        let chunksize = python_chunksize(items.len(), self.workers());
        let mut chunks = self.imap(task, items, chunksize)?;
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
    /// sent at once, one per worker; a worker gets its next chunk when its
    /// reply arrives.
    pub fn imap<'a, T, U>(
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
            imap.send_next(worker)?;
        }
        Ok(imap)
    }
    // ANCHOR_END: imap

    /// Reaps worker `index`, which has died or closed its result pipe, and
    /// forks its replacement in the same place.
    fn replace(&mut self, index: usize) -> io::Result<ExitStatus> {
        let status = self.workers[index].process.join()?;
        let new = spawn_worker(&self.workers)?;
        drop(std::mem::replace(&mut self.workers[index], new));
        Ok(status)
    }

    // ANCHOR: shutdown
    /// Closes the task pipes: each worker finishes what it holds, sees
    /// end-of-file and exits. Python's `Pool.close`.
    pub fn close(&mut self) {
        self.closed = true;
        for worker in &mut self.workers {
            worker.tasks = None;
        }
    }

    /// Waits for every worker to exit, after [`close`](ProcessPool::close)
    /// or [`terminate`](ProcessPool::terminate), and returns how each ended.
    pub fn join(&mut self) -> io::Result<Vec<ExitStatus>> {
        if !self.closed {
            return Err(io::Error::other(
                "close() or terminate() the pool before join()",
            ));
        }
        self.workers.iter_mut().map(|w| w.process.join()).collect()
    }

    /// Stops every worker now with SIGTERM, whatever it is doing, and reaps
    /// it. Python's `Pool.terminate`, which its `with` block calls on exit.
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

impl Drop for ProcessPool {
    /// Close and join: the workers are idle (an [`Imap`] waits for its
    /// chunks when dropped), so this returns as soon as they have exited.
    fn drop(&mut self) {
        self.close();
        let _ = self.join();
    }
}
// ANCHOR_END: shutdown

/// The iterator returned by [`ProcessPool::imap`]: results in input order,
/// or one error and then the end.
#[derive(Debug)]
pub struct Imap<'a, T, U> {
    pool: &'a mut ProcessPool,
    items: &'a [T],
    chunksize: usize,
    runner: usize,
    task: usize,
    /// The chunk each worker is running, if any.
    in_flight: Vec<Option<usize>>,
    next_to_send: usize,
    /// Chunks that arrived before the ones in front of them.
    early: BTreeMap<usize, Vec<U>>,
    next_to_yield: usize,
    current: std::vec::IntoIter<U>,
    failed: bool,
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
    fn send_next(&mut self, worker: usize) -> Result<(), PoolError> {
        if self.next_to_send == self.chunks() {
            return Ok(());
        }
        let chunk = self.next_to_send;
        self.next_to_send += 1;
        let items = encode(&self.items[self.items_of(chunk)]).map_err(io::Error::other)?;
        let task = Task {
            chunk,
            runner: self.runner,
            task: self.task,
            items,
        };
        self.in_flight[worker] = Some(chunk);
        let tasks = self.pool.workers[worker].tasks.as_mut();
        let sent = tasks.map_or(Err(io::ErrorKind::BrokenPipe.into()), |t| {
            framing::send(t, &task)
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
        let chunk = self.in_flight[worker].expect("only busy workers are polled");
        match framing::recv::<Reply>(&mut self.pool.workers[worker].results) {
            Ok(Some(Reply {
                outcome: Ok(bytes), ..
            })) => {
                self.in_flight[worker] = None;
                // The worker's next chunk first, so that it works while we decode.
                self.send_next(worker)?;
                let results = postcard::from_bytes(&bytes).map_err(io::Error::other)?;
                self.early.insert(chunk, results);
                Ok(())
            }
            Ok(Some(Reply {
                outcome: Err(message),
                ..
            })) => {
                self.in_flight[worker] = None;
                Err(PoolError::TaskPanicked {
                    chunk,
                    items: self.items_of(chunk),
                    pid: self.pool.workers[worker].process.pid(),
                    message,
                })
            }
            // End-of-file, or a reply cut short: the worker is gone.
            Ok(None) | Err(_) => Err(self.bury(worker)),
        }
    }
    // ANCHOR_END: receive

    /// Blocks until a busy worker's result pipe is readable (a reply, or
    /// end-of-file because the worker died); returns that worker.
    fn wait_for_reply(&self) -> Result<usize, PoolError> {
        let busy: Vec<usize> = (0..self.in_flight.len())
            .filter(|&w| self.in_flight[w].is_some())
            .collect();
        assert!(
            !busy.is_empty(),
            "waiting for a reply with nothing in flight"
        );
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
    fn next_chunk(&mut self) -> Option<Result<Vec<U>, PoolError>> {
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

impl<T, U> Drop for Imap<'_, T, U> {
    /// Waits for the chunks still in the workers and throws them away, so
    /// that the next `map` does not receive them. A worker that dies now is
    /// replaced like any other.
    fn drop(&mut self) {
        for worker in 0..self.in_flight.len() {
            if self.in_flight[worker].is_none() {
                continue;
            }
            self.in_flight[worker] = None;
            let results = &mut self.pool.workers[worker].results;
            if !matches!(framing::recv::<Reply>(results), Ok(Some(_))) {
                let _ = self.pool.replace(worker);
            }
        }
    }
}
