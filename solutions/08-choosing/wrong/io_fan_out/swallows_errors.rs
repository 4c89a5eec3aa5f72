//! WRONG: a failed request becomes an empty answer
//! EXPECT: the error was swallowed
//! CLAUSE: 5
//!
//! `unwrap_or_default()` keeps the types simple and the program running,
//! and the caller can no longer tell a failure from an empty reply.

use crate::demos::io::fetch;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// Sends every request to the server at `addr`, with up to `max_threads`
/// requests in flight, and returns the answers in the order of `requests`.
pub fn fetch_all(
    addr: SocketAddr,
    requests: &[String],
    max_threads: usize,
) -> Vec<io::Result<String>> {
    assert!(max_threads > 0, "fetch_all needs at least one thread");
    let next = AtomicUsize::new(0);
    let mut answers: Vec<io::Result<String>> = requests.iter().map(|_| Ok(String::new())).collect();
    thread::scope(|s| {
        let handles: Vec<_> = (0..max_threads.min(requests.len()))
            .map(|_| {
                s.spawn(|| {
                    let mut fetched = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(request) = requests.get(i) else {
                            return fetched;
                        };
                        fetched.push((i, fetch(addr, request).unwrap_or_default()));
                    }
                })
            })
            .collect();
        for handle in handles {
            for (i, answer) in handle.join().unwrap() {
                answers[i] = Ok(answer);
            }
        }
    });
    answers
}
