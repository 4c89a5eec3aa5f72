//! WRONG: the panic message is taken only from a `&str` payload
//! EXPECT: carries a String payload
//! CLAUSE: 3
//!
//! `panic!("literal")` carries a `&'static str`, but a formatted
//! `panic!("job {i} failed")` (and `assert!` with a message, `unwrap` and
//! `expect` on an error) carries a `String`: those panics are recorded as
//! "unknown panic".

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender, unbounded};

type Job = Box<dyn FnOnce() + Send + 'static>;

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

fn spawn_worker(id: usize, queue: Receiver<Job>, events: Sender<Event>) -> JoinHandle<()> {
    thread::Builder::new()
        .name(format!("worker-{id}"))
        .spawn(move || {
            let _farewell = Farewell { id, events };
            for job in queue {
                job(); // a panic here ends this thread; `_farewell` reports it
            }
        })
        .expect("could not spawn a worker")
}

/// A fixed number of worker threads. A job that panics ends the thread that
/// ran it; the pool records the panic's message and starts a replacement.
pub struct PanicSafePool {
    jobs: Option<Sender<Job>>,
    supervisor: Option<JoinHandle<()>>,
    panics: Arc<Mutex<Vec<String>>>,
}

impl PanicSafePool {
    /// Starts `size` workers (at least one) and the supervisor that watches
    /// them.
    pub fn new(size: usize) -> PanicSafePool {
        assert!(size > 0, "a pool needs at least one worker");
        let (jobs, queue) = unbounded::<Job>();
        let (events, news) = unbounded::<Event>();
        let mut workers: HashMap<usize, JoinHandle<()>> = (0..size)
            .map(|id| (id, spawn_worker(id, queue.clone(), events.clone())))
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
                                Err(payload) => match payload.downcast_ref::<&str>() {
                                    Some(text) => text.to_string(),
                                    None => "unknown panic".to_string(),
                                },
                                Ok(()) => "a worker died without a panic".to_string(),
                            };
                            record
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .push(message);
                            let replacement = spawn_worker(id, queue.clone(), events.clone());
                            workers.insert(id, replacement);
                        }
                    }
                }
            })
            .expect("could not spawn the supervisor");
        PanicSafePool {
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
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(supervisor) = self.supervisor.take() {
            let _ = supervisor.join();
        }
    }
}
