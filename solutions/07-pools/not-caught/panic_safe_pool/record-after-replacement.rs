//! WRONG: the supervisor starts the replacement before it records the panic's message
//! EXPECT: clause 3 (panics() holds every panic's message, recorded before the replacement starts)
//! CLAUSE: 3
//!
//! Restoring the pool's strength first feels like the urgent part, so the
//! supervisor spawns the replacement and only then records the message. A
//! caller that sees `size` workers running jobs again and calls `panics()`
//! can find the message not there yet: the doc comment promises "A message
//! is recorded *before* the replacement worker starts". The window is a
//! few microseconds, so most runs pass.
#![allow(unused_variables)]

use std::any::Any;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender, unbounded};

type Job = Box<dyn FnOnce() + Send + 'static>;

static NEXT_POOL: AtomicUsize = AtomicUsize::new(1);

thread_local! {
    /// The pool this thread works for (0: none).
    static MY_POOL: Cell<usize> = const { Cell::new(0) };
}

/// "Worker `worker` ended", sent by its guard as its thread ends.
struct Event {
    worker: usize,
    panicked: bool,
}

/// Lives on the worker's stack: its `Drop` runs when the thread ends, by a
/// return or by a panic unwinding it.
struct Guard {
    worker: usize,
    events: Sender<Event>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.events.send(Event {
            worker: self.worker,
            panicked: thread::panicking(),
        });
    }
}

fn spawn_worker(
    pool: usize,
    worker: usize,
    jobs: Receiver<Job>,
    events: Sender<Event>,
) -> JoinHandle<()> {
    thread::Builder::new()
        .name(format!("pool-worker-{worker}"))
        .spawn(move || {
            MY_POOL.with(|p| p.set(pool));
            let _guard = Guard { worker, events };
            for job in jobs {
                job();
            }
        })
        .expect("failed to spawn a worker thread")
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a payload that is not text".to_string()
    }
}

/// A fixed number of worker threads. A job that panics ends the thread that
/// ran it (no `catch_unwind` around jobs); the pool records the panic's
/// message and starts a replacement, so that it always has `size` workers.
pub struct PanicSafePool {
    id: usize,
    jobs: Option<Sender<Job>>,
    panics: Arc<Mutex<Vec<String>>>,
    supervisor: Option<JoinHandle<()>>,
}

impl PanicSafePool {
    /// Starts `size` workers (at least one).
    pub fn new(size: usize) -> PanicSafePool {
        assert!(size >= 1, "a pool needs at least one worker");
        let id = NEXT_POOL.fetch_add(1, Ordering::Relaxed);
        let (job_tx, job_rx) = unbounded::<Job>();
        let (event_tx, event_rx) = unbounded::<Event>();
        let panics = Arc::new(Mutex::new(Vec::new()));

        let mut workers = HashMap::new();
        for worker in 0..size {
            workers.insert(
                worker,
                spawn_worker(id, worker, job_rx.clone(), event_tx.clone()),
            );
        }

        let recorded = Arc::clone(&panics);
        let supervisor = thread::Builder::new()
            .name("pool-supervisor".to_string())
            .spawn(move || {
                let mut next_worker = size;
                while !workers.is_empty() {
                    let Ok(event) = event_rx.recv() else { break };
                    let Some(handle) = workers.remove(&event.worker) else {
                        continue;
                    };
                    let result = handle.join();
                    if event.panicked {
                        let message = match &result {
                            Err(payload) => panic_message(&**payload),
                            Ok(()) => "the worker panicked".to_string(),
                        };
                        let replacement =
                            spawn_worker(id, next_worker, job_rx.clone(), event_tx.clone());
                        workers.insert(next_worker, replacement);
                        recorded
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(message);
                        next_worker += 1;
                    }
                }
            })
            .expect("failed to spawn the supervisor");

        PanicSafePool {
            id,
            jobs: Some(job_tx),
            panics,
            supervisor: Some(supervisor),
        }
    }

    /// Runs `job` on some worker.
    pub fn execute<F: FnOnce() + Send + 'static>(&self, job: F) {
        self.jobs
            .as_ref()
            .expect("the pool is open until it is dropped")
            .send(Box::new(job))
            .expect("the pool always has workers");
    }

    /// The messages of the jobs that panicked so far, in the order they were
    /// recorded. A message is recorded *before* the replacement worker
    /// starts: once `size` workers are running jobs again, it is here.
    pub fn panics(&self) -> Vec<String> {
        self.panics
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
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
        drop(self.jobs.take());
        if MY_POOL.with(|p| p.get()) == self.id {
            // Dropped by one of our own jobs: joining would wait for ourselves.
            return;
        }
        if let Some(supervisor) = self.supervisor.take() {
            let _ = supervisor.join();
        }
    }
}
