//! A worker process: its loop on the child's side, and the parent's handle
//! to it.

use std::io::{self, PipeReader, PipeWriter};
use std::os::fd::{AsRawFd, RawFd};
use std::panic::{AssertUnwindSafe, catch_unwind};

use pipes::demos::framing;
use processes::demos::process::Process;

use super::wire::{Outcome, Reply, Runner, Task};

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
        let run = || {
            // SAFETY: a `Task` on this pipe was written by the parent, the
            // only process holding the pipe's write end (`spawn_worker` closes
            // this worker's copy). The parent writes nothing but tasks built
            // by `Imap::send_next`, whose `runner` is the address of
            // `run_chunk::<T, U>` and whose `task` is the address of a
            // `fn(T) -> U` for the same `T` and `U`, taken from fn pointers
            // into code that was mapped when this worker was forked (code
            // mapped later comes from a library loaded with `dlopen`, which
            // takes an `unsafe` call of its own to do). This process is a
            // fork of the parent, never an exec, so the same code sits at
            // the same addresses here:
            // `transmute` turns each address back into the pointer it came
            // from, and `run_chunk`'s own contract (`task` is a `fn(T) -> U`)
            // holds.
            unsafe {
                let runner = std::mem::transmute::<usize, Runner>(task.runner);
                runner(task.task, &task.items)
            }
        };
        let outcome = catch_unwind(AssertUnwindSafe(run))
            .unwrap_or_else(|panic| Outcome::Panicked(panic_message(panic.as_ref())));
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

/// The text of a panic payload, owned (chapter 3's `panic_text` reads it).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    processes::demos::process::panic_text(payload).to_owned()
}

/// One worker: its process and the parent's ends of its two pipes.
#[derive(Debug)]
pub(super) struct Worker {
    pub process: Process,
    pub tasks: Option<PipeWriter>,
    pub results: PipeReader,
    /// It still runs a chunk of an `Imap` that was dropped: its reply is
    /// to be read and thrown away before it gets new work.
    pub stale: bool,
}

// ANCHOR: spawn_worker
/// Forks one worker with a task pipe and a result pipe of its own. The
/// worker keeps its two ends, descriptors 0, 1 and 2, and those in `keep`;
/// every other descriptor it inherited is closed before it runs anything
/// (chapter 3's `start_keeping_fds`): the parent's ends of its own pipes,
/// the other workers' pipes, another pool's, whatever else was open.
///
/// # Safety
///
/// Every task the worker will be given keeps the contract of
/// [`ProcessPool::new`](super::ProcessPool::new).
pub(super) unsafe fn spawn_worker(keep: &[RawFd]) -> io::Result<Worker> {
    let (task_reader, task_writer) = io::pipe()?;
    let (result_reader, result_writer) = io::pipe()?;
    let mut mine = keep.to_vec();
    mine.extend([task_reader.as_raw_fd(), result_writer.as_raw_fd()]);
    // `start` only lends the closure to the child: the pipe ends go to
    // `worker_loop` by value, so they come out of an Option.
    let mut ends = Some((task_reader, result_writer));
    // SAFETY: the child closes descriptors (`close_range`) and runs
    // `worker_loop`: read, write, postcard's decoding and encoding
    // (allocation: glibc's malloc survives fork), a `const`-initialised
    // thread-local buffer, and `catch_unwind`; then the tasks, which our
    // caller promises keep the same contract (see `# Safety`). It returns,
    // and `start_keeping_fds` leaves with `_exit`.
    let process = unsafe {
        Process::start_keeping_fds(&mine, move || match ends.take() {
            Some((task_reader, result_writer)) => worker_loop(task_reader, result_writer),
            None => 127,
        })
    }?;
    // `start` dropped the closure in the parent, and with it the parent's
    // copies of the worker's ends: the result pipe ends when the worker does.
    Ok(Worker {
        process,
        tasks: Some(task_writer),
        results: result_reader,
        stale: false,
    })
}
// ANCHOR_END: spawn_worker
