//! Exercise: a thread pool that survives panicking jobs by replacing the
//! worker they kill.
//!
//! In the Rust Book's pool (chapter 21), a job that panics unwinds through
//! its worker thread and ends it: after N such jobs a pool of N workers runs
//! nothing at all. The chapter's `ThreadPool` catches the panic inside the
//! worker. This pool does what a supervisor does instead: it lets the worker
//! die, learns why, and starts a new one in its place, so that a job that
//! corrupts its thread (thread-locals, a poisoned state) does not pass the
//! damage to the next job.
#![allow(unused_variables)]

// ANCHOR: starter
/// A fixed number of worker threads. A job that panics ends the thread that
/// ran it (no `catch_unwind` around jobs); the pool records the panic's
/// message and starts a replacement, so that it always has `size` workers.
pub struct PanicSafePool {
    // TODO: what the pool needs: the job Sender, and a way to learn that a
    // worker died and to join it (the JoinHandle gives the panic's payload).
}

impl PanicSafePool {
    /// Starts `size` workers (at least one).
    pub fn new(size: usize) -> PanicSafePool {
        todo!("start size worker threads that take jobs from a channel")
    }

    /// Runs `job` on some worker.
    pub fn execute<F: FnOnce() + Send + 'static>(&self, job: F) {
        todo!("send the job to the workers")
    }

    /// The messages of the jobs that panicked so far, in the order they were
    /// recorded. A message is recorded *before* the replacement worker
    /// starts: once `size` workers are running jobs again, it is here.
    pub fn panics(&self) -> Vec<String> {
        todo!("return the messages recorded so far")
    }
}

impl Drop for PanicSafePool {
    /// Runs every job already queued, then stops and joins every worker
    /// (replacements included) and anything else the pool started.
    ///
    /// The last handle may be dropped inside one of the pool's own jobs (a
    /// job that kept an `Arc` of the pool): then it must not wait for that
    /// worker, nor for a thread that waits for it. It closes the channel and
    /// returns; the queued jobs still run, and every thread ends on its own.
    fn drop(&mut self) {
        todo!("close the job channel and join every thread the pool started")
    }
}
// ANCHOR_END: starter
