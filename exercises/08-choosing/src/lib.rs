//! Chapter 8, Threads or processes?
//!
//! [`demos`] holds the measured examples of the chapter: CPU-bound work on
//! threads ([`demos::cpu`]), I/O-bound work against a slow local server
//! ([`demos::io`]), what starting a thread or a process costs
//! ([`demos::costs`]) and what a crash takes down with it
//! ([`demos::isolation`]). The programs in `src/bin/` are thin `main`s around
//! them. [`exercises`] holds the starter code: every function there calls
//! `todo!()` until you write it, and `cargo test -p choosing --test <exercise>`
//! tells you how far you are.

pub mod demos;
pub mod exercises;
