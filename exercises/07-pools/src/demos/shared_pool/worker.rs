//! A worker of the shared-memory pool: its loop, the two fixed-size messages
//! it reads and writes, and how it is forked.

use std::io::{self, PipeReader, PipeWriter, Write};
use std::os::fd::AsRawFd;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::Ordering;

use pipes::demos::framing;
use processes::demos::process::Process;

use super::cells::{InSharedMemory, as_values};
use super::record::Shared;
use crate::demos::process_pool::panic_message;

// ANCHOR: messages
/// Parent to worker: "run chunk `chunk`, posted with ticket `ticket`".
pub(super) const TASK_BYTES: usize = 16;
/// Worker to parent: "chunk `chunk` is done" (or its task panicked, and the
/// panic's message follows in a frame of chapter 4).
pub(super) const COMPLETION_BYTES: usize = 16;
/// The chunk number of "stop": `join` sends it to each worker. Not the
/// end-of-file of the task pipe: any child forked after the pool (by this
/// program, a library, another thread) keeps the parent's write end open.
pub(super) const STOP: u64 = u64::MAX;
pub(super) const DONE: u64 = 0;
pub(super) const PANICKED: u64 = 1;

/// Two numbers in 16 bytes: one `write(2)`, far below `PIPE_BUF`, so it
/// reaches the pipe whole, never interleaved or cut.
pub(super) fn encode_pair(first: u64, second: u64) -> [u8; 16] {
    let mut bytes = [0; 16];
    bytes[..8].copy_from_slice(&first.to_le_bytes());
    bytes[8..].copy_from_slice(&second.to_le_bytes());
    bytes
}

pub(super) fn decode_pair(bytes: &[u8; 16]) -> (u64, u64) {
    let first = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
    let second = u64::from_le_bytes(bytes[8..].try_into().expect("8 bytes"));
    (first, second)
}
// ANCHOR_END: messages

/// Exit codes of a worker that stopped on its own.
const STOPPED: i32 = 0;
const BAD_TASK: i32 = 2;
const PARENT_GONE: i32 = 3;

// ANCHOR: worker_loop
/// A worker's whole life: read a chunk number, square (or whatever `task`
/// does) its items where they lie, publish, say so; until the parent closes
/// the parent says stop. No item and no result crosses a pipe.
fn worker_loop<T, U, F>(
    shared: &Shared<T, U>,
    task: &F,
    mut tasks: PipeReader,
    mut completions: PipeWriter,
) -> i32
where
    T: InSharedMemory,
    U: InSharedMemory,
    F: Fn(T) -> U,
{
    let mut message = [0; TASK_BYTES];
    loop {
        match framing::read_until_full(&mut tasks, &mut message) {
            Ok(0) => return PARENT_GONE, // the task pipe ended without a stop
            Ok(TASK_BYTES) => {}
            _ => return BAD_TASK,
        }
        let (chunk, ticket) = decode_pair(&message);
        if chunk == STOP {
            return STOPPED; // the pool was joined: a normal exit
        }
        let Some(record) = shared.chunks.get(chunk as usize) else {
            return BAD_TASK;
        };
        // The edge from the parent. It stored `posted = ticket` (Release)
        // after the items, then wrote this message; our read returned it, so
        // the store came before. Linux serialises a pipe's write and read
        // under the pipe's mutex (release at the writer's unlock, acquire at
        // the reader's lock), so this load sees that store or a later one,
        // and there is no later one while we hold the chunk. Reading the
        // ticket makes the parent's items visible to us in Rust's model too.
        if record.posted.load(Ordering::Acquire) != ticket {
            return BAD_TASK; // not the chunk the parent meant: touch nothing
        }
        let items = record.items();
        if items.start > items.end || items.end > shared.input.len().min(shared.output.len()) {
            return BAD_TASK;
        }
        record
            .pid
            .store(std::process::id() as i32, Ordering::Relaxed);
        record
            .started_ns
            .store(timeline::now_ns(), Ordering::Relaxed);
        let len = items.end - items.start;
        let run = || {
            // SAFETY: `items` lies inside both mappings (checked above), whose
            // cells have the layout of `T` and `U` (`InSharedMemory`). No one
            // else touches these slots while we hold the chunk:
            // * the items were written by the parent before it stored the
            //   ticket we loaded with Acquire, and it writes them again only
            //   in a later round, after our completion (or after killing us);
            // * the result slots are ours: chunks of a round do not overlap,
            //   the parent reads them only after our completion (the edge
            //   back, below), and it read the previous round's results
            //   before it posted this ticket.
            // So these two slices alias nothing that is used while they live.
            let (inputs, outputs) = unsafe {
                (
                    std::slice::from_raw_parts(as_values::<T>(&shared.input).add(items.start), len),
                    std::slice::from_raw_parts_mut(
                        as_values::<U>(&shared.output).add(items.start),
                        len,
                    ),
                )
            };
            for (result, &item) in outputs.iter_mut().zip(inputs) {
                *result = task(item);
            }
        };
        let outcome = catch_unwind(AssertUnwindSafe(run));
        record
            .finished_ns
            .store(timeline::now_ns(), Ordering::Relaxed);
        // The edge back: everything above is visible to the parent once its
        // Acquire load of `done` reads this ticket.
        record.done.store(ticket, Ordering::Release);
        let sent = match outcome {
            Ok(()) => completions.write_all(&encode_pair(chunk, DONE)),
            Err(panic) => completions
                .write_all(&encode_pair(chunk, PANICKED))
                .and_then(|()| {
                    let message = panic_message(panic.as_ref());
                    framing::send_bytes(&mut completions, message.as_bytes())
                }),
        };
        if sent.is_err() {
            return PARENT_GONE;
        }
    }
}
// ANCHOR_END: worker_loop

/// One worker: its process, the parent's end of its task pipe (`None` once
/// closed) and of its completion pipe.
pub(super) struct Worker {
    pub process: Process,
    pub tasks: Option<PipeWriter>,
    pub completions: PipeReader,
}

// ANCHOR: spawn_worker
/// Forks one worker that runs `task` on chunks of `shared`.
///
/// # Safety
///
/// `task` keeps the contract of
/// [`SharedMemoryPool::new`](super::SharedMemoryPool::new).
pub(super) unsafe fn spawn_worker<T, U, F>(shared: &Shared<T, U>, task: &F) -> io::Result<Worker>
where
    T: InSharedMemory,
    U: InSharedMemory,
    F: Fn(T) -> U,
{
    let (task_reader, task_writer) = io::pipe()?;
    let (completion_reader, completion_writer) = io::pipe()?;
    // Everything else (the other workers' pipes, the parent's ends of these
    // two) is closed in the child by `start_keeping_fds`.
    let keep = [task_reader.as_raw_fd(), completion_writer.as_raw_fd()];
    let mut ends = Some((task_reader, completion_writer));
    // SAFETY: the child closes descriptors (`close_range`), then runs
    // `worker_loop`: `read` and `write` on its two pipes, atomic loads and
    // stores in the shared mappings (which the child inherits: they were
    // mapped before this fork, and `shared` points at them), `getpid`,
    // `clock_gettime`, `catch_unwind`, and on a panic a `String` and a frame
    // (allocation, and chapter 4's `const`-initialised thread-local buffer).
    // All of that is fine in the child of a multithreaded parent. The rest
    // is `task`, which our caller promises keeps the same contract. `shared`
    // and `task` are the child's copies of the parent's, made by the fork.
    let process = unsafe {
        Process::start_keeping_fds(&keep, move || match ends.take() {
            Some((tasks, completions)) => worker_loop(shared, task, tasks, completions),
            None => 127,
        })
    }?;
    // `start_keeping_fds` dropped the closure here in the parent, and with it
    // the parent's copies of the worker's ends: end-of-file on the completion
    // pipe now means that the worker is gone.
    Ok(Worker {
        process,
        tasks: Some(task_writer),
        completions: completion_reader,
    })
}
// ANCHOR_END: spawn_worker
