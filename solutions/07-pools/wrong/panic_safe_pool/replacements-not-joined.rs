//! WRONG: drop joins the workers the pool started, not their replacements
//! EXPECT: drop returned while a queued job was still running
//! CLAUSE: 4
//!
//! The pool keeps the handles of its first workers; the supervisor starts
//! the replacements and keeps theirs to itself, and nobody joins the
//! supervisor. Once the first workers have died, drop has nothing left to
//! join and returns while the replacements still run queued jobs: the
//! threads leak.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::demos::process_pool::panic_message;

type Job = Box<dyn FnOnce() + Send + 'static>;
type Handles = Arc<Mutex<HashMap<usize, JoinHandle<()>>>>;

/// Sent by a worker whose job panicked, as its thread unwinds.
struct Died(usize);

struct Farewell {
    id: usize,
    events: Sender<Died>,
}

impl Drop for Farewell {
    fn drop(&mut self) {
        if thread::panicking() {
            let _ = self.events.send(Died(self.id));
        }
    }
}

fn spawn_worker(id: usize, queue: Receiver<Job>, events: Sender<Died>) -> JoinHandle<()> {
    thread::spawn(move || {
        let _farewell = Farewell { id, events };
        for job in queue {
            job();
        }
    })
}

/// A fixed number of worker threads; a dead one is replaced.
pub struct PanicSafePool {
    jobs: Option<Sender<Job>>,
    first_workers: Handles,
    panics: Arc<Mutex<Vec<String>>>,
}

impl PanicSafePool {
    /// Starts `size` workers (at least one).
    pub fn new(size: usize) -> PanicSafePool {
        assert!(size > 0, "a pool needs at least one worker");
        let (jobs, queue) = unbounded::<Job>();
        let (events, deaths) = unbounded::<Died>();
        let first: HashMap<usize, JoinHandle<()>> = (0..size)
            .map(|id| (id, spawn_worker(id, queue.clone(), events.clone())))
            .collect();
        let first_workers = Arc::new(Mutex::new(first));
        let panics = Arc::new(Mutex::new(Vec::new()));
        let (first, record) = (Arc::clone(&first_workers), Arc::clone(&panics));
        thread::spawn(move || {
            let mut replacements: HashMap<usize, JoinHandle<()>> = HashMap::new();
            for Died(id) in deaths {
                let handle = replacements
                    .remove(&id)
                    .or_else(|| first.lock().unwrap().remove(&id));
                if let Some(Err(payload)) = handle.map(JoinHandle::join) {
                    record.lock().unwrap().push(panic_message(payload.as_ref()));
                }
                replacements.insert(id, spawn_worker(id, queue.clone(), events.clone()));
            }
        });
        PanicSafePool {
            jobs: Some(jobs),
            first_workers,
            panics,
        }
    }

    /// Runs `job` on some worker.
    pub fn execute<F: FnOnce() + Send + 'static>(&self, job: F) {
        self.jobs.as_ref().unwrap().send(Box::new(job)).unwrap();
    }

    /// The messages of the jobs that panicked so far.
    pub fn panics(&self) -> Vec<String> {
        self.panics.lock().unwrap().clone()
    }
}

impl Drop for PanicSafePool {
    fn drop(&mut self) {
        drop(self.jobs.take());
        let first: Vec<JoinHandle<()>> = self
            .first_workers
            .lock()
            .unwrap()
            .drain()
            .map(|(_, h)| h)
            .collect();
        for worker in first {
            let _ = worker.join();
        }
    }
}
