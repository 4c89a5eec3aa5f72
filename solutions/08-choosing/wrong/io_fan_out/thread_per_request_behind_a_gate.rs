//! WRONG: one thread per request, each waiting for one of max_threads turns
//! EXPECT: worker threads
//! CLAUSE: 3
//!
//! Every request gets a thread of its own, and a counting gate (a Mutex and
//! a Condvar) lets only `max_threads` of them fetch at a time. Never more
//! than `max_threads` requests are in flight, so a test that only counts
//! requests at the server is satisfied; but the contract promises
//! `min(max_threads, requests.len())` threads, and a thousand requests here
//! start a thousand threads (each with its stack) to run eight at a time.

use crate::demos::io::fetch;
use std::io;
use std::net::SocketAddr;
use std::sync::{Condvar, Mutex};
use std::thread;

/// Sends every request to the server at `addr`, with up to `max_threads`
/// requests in flight, and returns the answers in the order of `requests`.
pub fn fetch_all(
    addr: SocketAddr,
    requests: &[String],
    max_threads: usize,
) -> Vec<io::Result<String>> {
    assert!(max_threads > 0, "fetch_all needs at least one thread");
    let free = Mutex::new(max_threads);
    let freed = Condvar::new();
    let (free, freed) = (&free, &freed);
    thread::scope(|s| {
        let handles: Vec<_> = requests
            .iter()
            .map(|request| {
                s.spawn(move || {
                    let mut turns = freed
                        .wait_while(free.lock().unwrap(), |free| *free == 0)
                        .unwrap();
                    *turns -= 1;
                    drop(turns);
                    let answer = fetch(addr, request);
                    *free.lock().unwrap() += 1;
                    freed.notify_one();
                    answer
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}
