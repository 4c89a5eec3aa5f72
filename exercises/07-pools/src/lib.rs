//! Chapter 7 of the book: pools.
//!
//! The tutorial's `Pool.map(square, numbers)`, four ways:
//!
//! * [`demos::process_pool`]: worker processes forked once, chunks of items
//!   and their results as serde frames on pipes (chapters 3 to 5), results in
//!   input order, `imap` streaming them, and a worker that dies *reported*
//!   (which chunk, which pid, which signal) rather than waited for;
//! * [`demos::shared_pool`]: the same worker processes, with the items and
//!   the results in shared memory mapped before the fork (chapter 6), and
//!   only chunk numbers and completions on the pipes;
//! * [`demos::thread_pool`]: the Rust Book's thread pool on
//!   crossbeam-channel, with results back and panics reported;
//! * [`demos::rayon_map`], `par_iter().map(square).collect()`.
//!
//! [`demos::pool_timeline`] records which worker ran which item, when.
//!
//! Exercises: [`exercises::chunking`] (cut n items into chunks),
//! [`exercises::in_order`] (put results that arrive out of order back in
//! order, as they come) and [`exercises::panic_safe_pool`] (a thread pool
//! that replaces a worker killed by a panicking job). Test with
//! `cargo test -p pools`.

pub mod demos;
pub mod exercises;
