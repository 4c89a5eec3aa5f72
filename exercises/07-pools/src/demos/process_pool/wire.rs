//! What crosses the pipes: a [`Task`] from the parent to a worker, a
//! [`Reply`] back, and the functions that encode and decode the items and
//! results inside them.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

// ANCHOR: messages
/// A chunk of work, parent to worker. The function travels as two addresses:
/// `runner` decodes the items, calls `task` on each and encodes the results.
/// The items are already encoded: `serde_bytes` sends them as one block of
/// bytes, not as a sequence of a million `u8`s to encode one by one.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Task {
    pub chunk: usize,
    pub runner: usize,
    pub task: usize,
    #[serde(with = "serde_bytes")]
    pub items: Vec<u8>,
}

/// Parent to worker: a chunk to run, or "stop". The stop message is what
/// ends a worker after `close`, not the end-of-file of its task pipe: any
/// child forked after the pool (by this program, a library, another thread)
/// inherits the parent's write end of that pipe and keeps it open, so the
/// end-of-file may never come. Python's `Pool.close` sends a sentinel too.
#[derive(Debug, Serialize, Deserialize)]
pub(super) enum Order {
    Run(Task),
    Stop,
}

/// What became of a chunk, worker to parent.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Reply {
    pub chunk: usize,
    pub outcome: Outcome,
}

/// The results of a chunk (encoded, one block of bytes again), or why there
/// are none. A panic and a serde error are told apart: one is a bug in the
/// task, the other a type that cannot make the trip.
#[derive(Debug, Serialize, Deserialize)]
pub(super) enum Outcome {
    Done(ByteBuf),
    Panicked(String),
    /// The worker could not decode the items or encode the results.
    Serde(String),
}

/// Decodes a chunk, applies the task, encodes the results. An `unsafe fn`:
/// see [`run_chunk`] for what its caller promises.
pub(super) type Runner = unsafe fn(usize, &[u8]) -> Outcome;
// ANCHOR_END: messages

// ANCHOR: runner
/// The worker's side of one chunk, for one pair of types. `imap::<T, U>`
/// sends the address of `run_chunk::<T, U>` with the address of the task.
///
/// # Safety
///
/// `task` must be the address of a `fn(T) -> U` of this program image, for
/// the very `T` and `U` this instance was made for.
pub(super) unsafe fn run_chunk<T: DeserializeOwned, U: Serialize>(
    task: usize,
    items: &[u8],
) -> Outcome {
    // SAFETY: the caller promises (see `# Safety`) that `task` is the address
    // of a `fn(T) -> U`; a fn pointer and a usize have the same size, and
    // transmuting an address back into the pointer it came from gives that
    // pointer back.
    let task = unsafe { std::mem::transmute::<usize, fn(T) -> U>(task) };
    let items: Vec<T> = match postcard::from_bytes(items) {
        Ok(items) => items,
        Err(e) => return Outcome::Serde(format!("decode the items: {e}")),
    };
    let results: Vec<U> = items.into_iter().map(task).collect();
    match encode(&results) {
        Ok(bytes) => Outcome::Done(ByteBuf::from(bytes)),
        Err(e) => Outcome::Serde(format!("encode the results: {e}")),
    }
}
// ANCHOR_END: runner

// ANCHOR: encode
/// Encodes a chunk into a buffer sized for it up front: as many bytes as the
/// items take in memory, which postcard's variable-length integers rarely
/// exceed. A buffer grown from empty would copy what it holds at each
/// doubling, up to a megabyte at a time for a large chunk.
pub(super) fn encode<T: Serialize>(items: &[T]) -> postcard::Result<Vec<u8>> {
    let room = std::mem::size_of_val(items) + 16;
    postcard::to_extend(items, Vec::with_capacity(room))
}
// ANCHOR_END: encode
