//! WRONG: each worker is joined right after it is spawned
//! EXPECT: should be in flight at once
//! CLAUSE: 2
//!
//! The loop spawns a worker and joins it before spawning the next, so only
//! one request is ever in flight: sequential code with thread overhead.

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
    let mut answers: Vec<Option<io::Result<String>>> = requests.iter().map(|_| None).collect();
    thread::scope(|s| {
        for _ in 0..max_threads.min(requests.len()) {
            let fetched = s
                .spawn(|| {
                    let mut fetched = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(request) = requests.get(i) else {
                            return fetched;
                        };
                        fetched.push((i, fetch(addr, request)));
                    }
                })
                .join()
                .unwrap();
            for (i, answer) in fetched {
                answers[i] = Some(answer);
            }
        }
    });
    answers.into_iter().flatten().collect()
}
