//! Chapter 4 of the book: pipes.
//!
//! A pipe is a one-way byte stream in the kernel with two ends, each a file
//! descriptor. Python's `multiprocessing.Pipe` wraps it (or, for the default
//! duplex pipe, a socket pair) in `Connection` objects that pickle whole
//! objects. This crate shows the layers one at a time:
//!
//! * [`demos::framing`]: typed messages on a byte stream, a length prefix and
//!   serde, what `Connection.send` and `recv` do;
//! * [`demos::sender_receiver`]: the source tutorial's sender and receiver
//!   processes;
//! * [`demos::eof`]: end-of-file arrives once *every* write end is closed,
//!   and the hang when one copy leaks;
//! * [`demos::large`]: the pipe's buffer, and messages far larger than it sent
//!   both ways at once without deadlock.
//!
//! The exercises capture a child's output through a pipe
//! ([`exercises::capture_output`]), build a duplex connection to a child
//! process ([`exercises::duplex_peer`]) and a single-threaded exchange with
//! `poll` ([`exercises::poll_exchange`]).

pub mod demos;
pub mod exercises;
