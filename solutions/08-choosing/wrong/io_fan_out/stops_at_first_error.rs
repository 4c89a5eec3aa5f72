//! WRONG: a worker gives up at its first failed request
//! EXPECT: a worker stopped at the first error
//! CLAUSE: 5
//!
//! `?`-style thinking: on an error, the worker records it and returns. The
//! requests it would have taken next are never sent.

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
    let mut answers: Vec<io::Result<String>> = requests
        .iter()
        .map(|_| Err(io::Error::other("not fetched")))
        .collect();
    thread::scope(|s| {
        let handles: Vec<_> = (0..max_threads.min(requests.len()))
            .map(|_| {
                s.spawn(|| {
                    let mut fetched = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(request) = requests.get(i) else {
                            break;
                        };
                        let answer = fetch(addr, request);
                        let failed = answer.is_err();
                        fetched.push((i, answer));
                        if failed {
                            break;
                        }
                    }
                    fetched
                })
            })
            .collect();
        for handle in handles {
            for (i, answer) in handle.join().unwrap() {
                answers[i] = answer;
            }
        }
    });
    answers
}
