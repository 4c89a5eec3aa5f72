//! Why a `map` or an `imap` failed. `thiserror` writes the `Display`,
//! `Error` and `From` impls from the attributes.

use std::io;
use std::ops::Range;

use processes::demos::process::ExitStatus;

// ANCHOR: error
/// Why a `map` or `imap` of a [`ProcessPool`](super::ProcessPool) failed.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The task panicked on one of the chunk's items. The worker caught it
    /// and lives on (Python re-raises the task's exception the same way).
    #[error("the task panicked in worker {pid} on chunk {chunk} (items {items:?}): {message}")]
    TaskPanicked {
        chunk: usize,
        items: Range<usize>,
        pid: i32,
        message: String,
    },
    /// The worker process ended while it held the chunk: killed by a signal,
    /// aborted, or it called `exit`. The pool has started a replacement.
    #[error("worker {pid} {status} while running chunk {chunk} (items {items:?})")]
    WorkerDied {
        chunk: usize,
        items: Range<usize>,
        pid: i32,
        status: ExitStatus,
    },
    /// serde could not encode or decode the chunk's items or results: a type
    /// that cannot make the trip (postcard refuses a sequence of unknown
    /// length, for one), not a bug in the task. `pid` is the worker's, or
    /// `None` when it happened in the parent.
    #[error("serialization failed for chunk {chunk} (items {items:?}), in {}: could not {message}",
        .pid.map_or("the parent".to_string(), |pid| format!("worker {pid}")))]
    Serialization {
        chunk: usize,
        items: Range<usize>,
        pid: Option<i32>,
        message: String,
    },
    /// The worker wrote something that is not a reply (a frame that does not
    /// decode). Its pipe can no longer be trusted, so the pool killed it and
    /// started a replacement.
    #[error(
        "worker {pid} sent a reply that does not decode while running chunk {chunk} \
         (items {items:?}): {message}; the pool killed it and started another"
    )]
    BadReply {
        chunk: usize,
        items: Range<usize>,
        pid: i32,
        message: String,
    },
    /// The pool was closed, or a pipe or fork failed.
    #[error("pool: {0}")]
    Io(#[from] io::Error),
}
// ANCHOR_END: error
