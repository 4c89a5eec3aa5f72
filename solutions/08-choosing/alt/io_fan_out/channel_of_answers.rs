//! ALT: workers send `(index, answer)` pairs over a channel
//!
//! Instead of each worker returning what it fetched through `join`, every
//! answer travels over an mpsc channel as soon as it is there. The caller's
//! own sender is dropped before it starts receiving, so the loop over the
//! receiver ends when the last worker ends.

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
    let next = &next;
    let (tx, rx) = mpsc::channel();
    let mut answers: Vec<Option<io::Result<String>>> = requests.iter().map(|_| None).collect();
    thread::scope(|s| {
        for _ in 0..max_threads.min(requests.len()) {
            let tx = tx.clone();
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(request) = requests.get(i) else {
                        return;
                    };
                    // The receiver outlives every worker: sending cannot fail.
                    let _ = tx.send((i, fetch(addr, request)));
                }
            });
        }
        drop(tx); // only the workers' clones are left
        for (i, answer) in rx {
            answers[i] = Some(answer);
        }
    });
    answers
        .into_iter()
        .map(|answer| answer.expect("every request was taken by a worker"))
        .collect()
}
