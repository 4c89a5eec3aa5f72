//! WRONG: collects answers from a channel whose last sender is never dropped
//! EXPECT: fetch_all never returned
//! CLAUSE: 7
//!
//! Each worker gets a clone of `tx`, but the original stays alive in the
//! caller, so `for (i, answer) in rx` waits for one more message forever.

use crate::demos::io::fetch;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
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
    let (tx, rx) = mpsc::channel();
    let mut answers: Vec<Option<io::Result<String>>> = requests.iter().map(|_| None).collect();
    thread::scope(|s| {
        for _ in 0..max_threads.min(requests.len()) {
            let tx = tx.clone();
            let next = &next;
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(request) = requests.get(i) else {
                        break;
                    };
                    tx.send((i, fetch(addr, request))).unwrap();
                }
            });
        }
        for (i, answer) in rx {
            answers[i] = Some(answer);
        }
    });
    answers.into_iter().flatten().collect()
}
