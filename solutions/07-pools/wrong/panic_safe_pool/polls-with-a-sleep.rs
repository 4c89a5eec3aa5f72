//! WRONG: the supervisor polls its event channel with `try_recv` and a 10 ms sleep
//! EXPECT: polls
//! CLAUSE: 6
//!
//! The usual repair of the spinning supervisor: a short sleep between looks.
//! It uses little CPU, so comparing CPU time with a spinning thread does not
//! catch it; but an idle pool now wakes a hundred times a second for ever,
//! and a death waits up to 10 ms for its replacement. `recv` sleeps until
//! there is news.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::demos::process_pool::panic_message;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// Each pool's number, never reused, so that a thread can tell which pool
/// it works for.
static NEXT_POOL: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// On a worker thread, the number of the pool it works for.
    static WORKS_FOR: Cell<Option<usize>> = const { Cell::new(None) };
}

// ANCHOR: events
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
// ANCHOR_END: events

// ANCHOR: worker
fn spawn_worker(
    pool: usize,
    id: usize,
    queue: Receiver<Job>,
    events: Sender<Event>,
) -> JoinHandle<()> {
    thread::Builder::new()
        .name(format!("worker-{id}"))
        .spawn(move || {
            WORKS_FOR.set(Some(pool)); // for a drop that runs inside a job
            let _farewell = Farewell { id, events };
            for job in queue {
                job(); // a panic here ends this thread; `_farewell` reports it
            }
        })
        .expect("could not spawn a worker")
}
// ANCHOR_END: worker

/// A fixed number of worker threads. A job that panics ends the thread that
/// ran it; the pool records the panic's message and starts a replacement.
pub struct PanicSafePool {
    /// This pool's number (see [`WORKS_FOR`]).
    number: usize,
    jobs: Option<Sender<Job>>,
    supervisor: Option<JoinHandle<()>>,
    panics: Arc<Mutex<Vec<String>>>,
}

impl PanicSafePool {
    // ANCHOR: new
    /// Starts `size` workers (at least one) and the supervisor that watches
    /// them.
    pub fn new(size: usize) -> PanicSafePool {
        assert!(size > 0, "a pool needs at least one worker");
        let number = NEXT_POOL.fetch_add(1, Ordering::Relaxed);
        let (jobs, queue) = unbounded::<Job>();
        let (events, news) = unbounded::<Event>();
        let mut workers: HashMap<usize, JoinHandle<()>> = (0..size)
            .map(|id| (id, spawn_worker(number, id, queue.clone(), events.clone())))
            .collect();
        let panics = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&panics);
        let supervisor = thread::Builder::new()
            .name("supervisor".to_string())
            .spawn(move || {
                // Workers end only once the job channel is closed and empty;
                // until then, every death is replaced.
                while !workers.is_empty() {
                    let event = match news.try_recv() {
                        Ok(event) => event,
                        Err(crossbeam_channel::TryRecvError::Empty) => {
                            // Nothing happened: look again in 10 ms.
                            thread::sleep(Duration::from_millis(10));
                            continue;
                        }
                        Err(crossbeam_channel::TryRecvError::Disconnected) => break,
                    };
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
                            let replacement =
                                spawn_worker(number, id, queue.clone(), events.clone());
                            workers.insert(id, replacement);
                        }
                    }
                }
            })
            .expect("could not spawn the supervisor");
        PanicSafePool {
            number,
            jobs: Some(jobs),
            supervisor: Some(supervisor),
            panics,
        }
    }
    // ANCHOR_END: new

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

// ANCHOR: drop
impl Drop for PanicSafePool {
    /// Closing the job channel lets the workers finish the queue and exit;
    /// the supervisor returns once the last one has, and is joined.
    ///
    /// The last handle may be dropped inside one of the pool's own jobs (a
    /// job that held an `Arc` of the pool). The supervisor waits for that
    /// very worker, which waits here: joining it would never end. So that
    /// drop only closes the channel and lets go of the supervisor's handle
    /// (which detaches it): the worker finishes its job, finds the channel
    /// closed and empty, and exits; the supervisor joins it, and every other
    /// worker, and ends on its own.
    fn drop(&mut self) {
        drop(self.jobs.take());
        let supervisor = self.supervisor.take();
        if WORKS_FOR.get() == Some(self.number) {
            return;
        }
        if let Some(supervisor) = supervisor {
            let _ = supervisor.join();
        }
    }
}
// ANCHOR_END: drop
