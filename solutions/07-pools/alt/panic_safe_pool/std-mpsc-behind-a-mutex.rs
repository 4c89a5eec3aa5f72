//! ALT: the Rust Book's `Arc<Mutex<mpsc::Receiver>>`, the lock held only to take a job
//!
//! std's `Receiver` cannot be cloned, so the workers share it behind a
//! `Mutex`; the lock is taken and released in one statement, so that the
//! jobs run in parallel and a panicking job never poisons it.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use std::sync::mpsc::{Receiver, Sender, channel};

use crate::demos::process_pool::panic_message;

type Job = Box<dyn FnOnce() + Send + 'static>;
type Queue = Arc<Mutex<Receiver<Job>>>;

thread_local! {
    /// On a worker thread, where its pool's queue lives. The worker holds an
    /// `Arc` of that queue until it ends, so no other pool's queue can have
    /// the same address meanwhile.
    static MY_QUEUE: Cell<Option<*const Mutex<Receiver<Job>>>> = const { Cell::new(None) };
}

/// What a worker tells the supervisor as its thread ends.
enum Event {
    /// Worker `id` ran out of jobs: the pool is shutting down.
    Exited(usize),
    /// A job panicked and is unwinding worker `id`'s thread.
    Died(usize),
}

/// Dropped when the worker's thread ends, normally or by a panic: the one
/// piece of code that still runs while a panic unwinds the thread.
struct Farewell {
    id: usize,
    events: Sender<Event>,
}

impl Drop for Farewell {
    fn drop(&mut self) {
        let event = if thread::panicking() {
            Event::Died(self.id)
        } else {
            Event::Exited(self.id)
        };
        let _ = self.events.send(event);
    }
}

fn spawn_worker(id: usize, queue: Queue, events: Sender<Event>) -> JoinHandle<()> {
    thread::Builder::new()
        .name(format!("worker-{id}"))
        .spawn(move || {
            MY_QUEUE.set(Some(Arc::as_ptr(&queue)));
            let _farewell = Farewell { id, events };
            loop {
                // The guard is dropped at the end of this statement: the
                // job runs unlocked, so a panic in it poisons nothing.
                let next = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                let Ok(job) = next else { break };
                job(); // a panic here ends this thread; `_farewell` reports it
            }
        })
        .expect("could not spawn a worker")
}

/// A fixed number of worker threads. A job that panics ends the thread that
/// ran it; the pool records the panic's message and starts a replacement.
pub struct PanicSafePool {
    /// The workers' queue: only to recognise a worker in `drop`.
    queue: Queue,
    jobs: Option<Sender<Job>>,
    supervisor: Option<JoinHandle<()>>,
    panics: Arc<Mutex<Vec<String>>>,
}

impl PanicSafePool {
    /// Starts `size` workers (at least one) and the supervisor that watches
    /// them.
    pub fn new(size: usize) -> PanicSafePool {
        assert!(size > 0, "a pool needs at least one worker");
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let workers_queue = Arc::clone(&queue);
        let (events, news) = channel::<Event>();
        let mut workers: HashMap<usize, JoinHandle<()>> = (0..size)
            .map(|id| (id, spawn_worker(id, Arc::clone(&queue), events.clone())))
            .collect();
        let panics = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&panics);
        let supervisor = thread::Builder::new()
            .name("supervisor".to_string())
            .spawn(move || {
                // Workers end only once the job channel is closed and empty;
                // until then, every death is replaced.
                while !workers.is_empty() {
                    let Ok(event) = news.recv() else { break };
                    match event {
                        Event::Exited(id) => {
                            let _ = workers.remove(&id).map(JoinHandle::join);
                        }
                        Event::Died(id) => {
                            let handle = workers.remove(&id).expect("a known worker");
                            let message = match handle.join() {
                                Err(payload) => panic_message(payload.as_ref()),
                                Ok(()) => "a worker died without a panic".to_string(),
                            };
                            record
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .push(message);
                            let replacement = spawn_worker(id, Arc::clone(&queue), events.clone());
                            workers.insert(id, replacement);
                        }
                    }
                }
            })
            .expect("could not spawn the supervisor");
        PanicSafePool {
            queue: workers_queue,
            jobs: Some(jobs),
            supervisor: Some(supervisor),
            panics,
        }
    }

    /// Runs `job` on some worker.
    pub fn execute<F: FnOnce() + Send + 'static>(&self, job: F) {
        self.jobs
            .as_ref()
            .expect("the Sender lives until drop")
            .send(Box::new(job))
            .expect("the workers live until drop");
    }

    /// The messages of the jobs that panicked so far, in the order they were
    /// recorded.
    pub fn panics(&self) -> Vec<String> {
        self.panics
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Drop for PanicSafePool {
    /// Closing the job channel lets the workers finish the queue and exit;
    /// the supervisor returns once the last one has, and is joined.
    ///
    /// Dropped inside one of its own jobs, it cannot wait for the supervisor,
    /// which waits for that very worker: it only closes the channel, and the
    /// supervisor, detached, joins every worker and ends on its own.
    fn drop(&mut self) {
        drop(self.jobs.take());
        let supervisor = self.supervisor.take();
        if MY_QUEUE.get() == Some(Arc::as_ptr(&self.queue)) {
            return;
        }
        if let Some(supervisor) = supervisor {
            let _ = supervisor.join();
        }
    }
}
