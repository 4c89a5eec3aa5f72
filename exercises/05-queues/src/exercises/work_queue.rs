//! Exercise: many producer processes, many consumer processes, one queue,
//! every item delivered exactly once, and no sentinel.
//!
//! The queue ([`crate::demos::queue`]) ends when every `Sender` in every
//! process is gone. `fork` copies every descriptor the parent holds at that
//! moment, so *when* you start each child decides which ends it holds. Get
//! the order wrong and the consumers wait for ever for an end that never
//! comes.
#![allow(unused_variables)]

use std::io;

// ANCHOR: starter
/// Starts `producers` producer processes and `consumers` consumer processes.
/// Producer `p` sends the numbers `p * items_each .. (p + 1) * items_each`
/// on a shared queue ([`crate::demos::queue::queue`]); each consumer takes
/// numbers until the queue ends (`recv` returns `None`: no sentinels) and
/// reports what it took to the parent, for example on a second queue.
///
/// Returns, for each consumer, the numbers it took in the order it took them.
/// Every child has been joined when it returns; a child that fails (exit code
/// other than 0, or killed by a signal) makes it return an error, and a
/// consumer that dies without reporting must not make it wait for ever.
pub fn run(producers: usize, items_each: u64, consumers: usize) -> io::Result<Vec<Vec<u64>>> {
    // TODO: the two queues and the children, forked in an order such that
    // no consumer holds a Sender of the work queue (or the queue never ends
    // for it); then one report per consumer, and every child joined.
    todo!("start producers and consumers on one queue, and collect what each consumer took")
}
// ANCHOR_END: starter
