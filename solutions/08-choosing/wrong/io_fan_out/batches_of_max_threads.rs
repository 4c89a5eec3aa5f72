//! WRONG: requests fetched in batches of `max_threads`
//! EXPECT: a slow request held back the fast ones
//! CLAUSE: 4
//!
//! Never more than `max_threads` in flight and answers in order, so it
//! looks right; but each batch waits for its slowest request while the
//! other threads of the batch sit idle.

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
    let mut answers = Vec::with_capacity(requests.len());
    for batch in requests.chunks(max_threads) {
        thread::scope(|s| {
            let handles: Vec<_> = batch
                .iter()
                .map(|request| s.spawn(move || fetch(addr, request)))
                .collect();
            for handle in handles {
                answers.push(handle.join().unwrap());
            }
        });
    }
    answers
}
