//! A worker process: its loop on the child's side, and the parent's handle
//! to it.

use std::io::{self, PipeReader, PipeWriter};
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::panic::{AssertUnwindSafe, catch_unwind};

use nix::fcntl::{FcntlArg, fcntl};
use pipes::demos::framing;
use processes::demos::process::Process;

use super::wire::{Order, Outcome, Reply, Runner, Task};

// ANCHOR: worker_loop
/// A worker's whole life: take a chunk, run it, send the reply, until the
/// parent says stop (or its task pipe ends: the parent is gone). A panic in the task is caught and sent back,
/// like a Python exception; anything worse (abort, a signal, `exit`) ends
/// the process, and the parent sees end-of-file on the result pipe.
fn worker_loop(mut tasks: PipeReader, mut results: PipeWriter) -> i32 {
    loop {
        let task: Task = match framing::recv(&mut tasks) {
            Ok(Some(Order::Run(task))) => task,
            Ok(Some(Order::Stop)) => return 0, // the pool was closed: a normal exit
            Ok(None) => return 0,              // the parent is gone: nobody to tell
            Err(_) => return 2,
        };
        let run = || {
            // SAFETY: a `Task` on this pipe was written by the pool in the
            // parent (this worker closed its own copy of the write end, and
            // a child forked later that inherits one has no code that
            // writes to it: it never saw this pipe). The pool writes nothing
            // but orders built by `Imap::send_next`, whose `runner` is the address of
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

/// What each pipe of a worker asks for: `/proc/sys/fs/pipe-max-size`'s
/// default.
const PIPE_BYTES: i32 = 1 << 20;

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
///
/// Both pipes get the largest buffer an unprivileged process may ask for
/// (`F_SETPIPE_SZ`, 1 MiB by default, instead of 64 KiB): a chunk of 125 000
/// numbers then crosses in a few `write`s, not in a hundred turns of
/// "writer fills, reader drains", each a wait for the other process to be
/// scheduled. If the kernel refuses (a per-user limit on pipe memory), the
/// pipe keeps its 64 KiB and only speed suffers.
pub(super) fn spawn_worker(keep: &[RawFd]) -> io::Result<Worker> {
    let (task_reader, task_writer) = io::pipe()?;
    let (result_reader, result_writer) = io::pipe()?;
    for end in [task_writer.as_fd(), result_writer.as_fd()] {
        let _ = fcntl(end, FcntlArg::F_SETPIPE_SZ(PIPE_BYTES));
    }
    let mut mine = keep.to_vec();
    mine.extend([task_reader.as_raw_fd(), result_writer.as_raw_fd()]);
    // `start` only lends the closure to the child: the pipe ends go to
    // `worker_loop` by value, so they come out of an Option.
    let mut ends = Some((task_reader, result_writer));
    // SAFETY: the child closes descriptors (`close_range`) and runs
    // `worker_loop`: read, write, postcard's decoding and encoding
    // (allocation: glibc's malloc survives fork), a `const`-initialised
    // thread-local buffer, and `catch_unwind`: all fine in the child of a
    // multithreaded parent. The tasks it runs come from `ProcessPool::map`
    // and `imap`, `unsafe fn`s whose callers promise that each keeps the
    // same contract: the obligation is theirs, where the task is chosen.
    // It returns, and `start_keeping_fds` leaves with `_exit`.
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
