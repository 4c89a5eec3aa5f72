//! WRONG: one thread per request, `max_threads` ignored
//! EXPECT: never more than max_threads
//! CLAUSE: 2
//!
//! The chapter's `fetch_on_threads` again. Fine for ten requests, not for
//! ten thousand, and not what was asked: the server sees them all at once.

use crate::demos::io::fetch;
use std::io;
use std::net::SocketAddr;
use std::thread;

/// Sends every request to the server at `addr`, with up to `max_threads`
/// requests in flight, and returns the answers in the order of `requests`.
pub fn fetch_all(
    addr: SocketAddr,
    requests: &[String],
    max_threads: usize,
) -> Vec<io::Result<String>> {
    assert!(max_threads > 0, "fetch_all needs at least one thread");
    thread::scope(|s| {
        let handles: Vec<_> = requests
            .iter()
            .map(|request| s.spawn(move || fetch(addr, request)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
