//! Chapter 5 of the book: queues.
//!
//! Python's `multiprocessing.Queue` is a pipe, two locks, a semaphore and a
//! feeder thread. [`demos::queue`] builds a queue between processes from the
//! same kind of parts, minus the feeder thread: a pipe shared by every
//! producer and consumer, small frames written atomically, a read lock that
//! the kernel releases if its holder dies (and did not fork meanwhile) ([`demos::file_lock`]), a slot count
//! made of a pipe ([`demos::token`]), and a shared anonymous file for items
//! larger than the pipe can take in one write. When every sender is dropped,
//! in every process, `recv` returns `None`.
//!
//! * [`demos::producer_consumer`]: the source tutorial's producer and consumer
//!   with a `None` sentinel, and the same with closing instead;
//! * [`demos::join_before_drain`]: Python's documented pitfall, which this
//!   design removes for big items (small ones still fill the pipe);
//! * [`demos::in_process`]: the same shapes between threads, with
//!   crossbeam-channel.
//! * [`demos::ring`]: a queue for one producer and one consumer process in
//!   shared memory, which makes no system call while both keep up, and
//!   [`demos::throughput`], which measures it beside the pipe queue.
//!
//! Exercises: [`exercises::sentinel_workers`] (one sentinel per worker),
//! [`exercises::closable_queue`] (a queue between threads whose
//! `close` wakes every consumer) and [`exercises::work_queue`] (many producer
//! and consumer processes, every item delivered exactly once).

pub mod demos;
pub mod exercises;
pub mod sync;
