//! WRONG: collects the answers with `try_recv` in a `thread::sleep` loop
//! EXPECT: fetch_all polls
//! CLAUSE: 7
//!
//! The Python habit `queue.get_nowait()` plus `time.sleep(0.01)`: the
//! caller asks the channel for an answer, and when there is none yet it
//! sleeps 10 ms and asks again until every request has one. The answers are
//! right, but each one is noticed up to 10 ms late and the caller wakes up
//! a hundred times a second while the requests are out. `recv` (or a `for`
//! loop over the receiver) sleeps until an answer comes.

use crate::demos::io::fetch;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Fetches every request with at most `max_threads` in flight; answers in
/// the order of `requests`.
pub fn fetch_all(
    addr: SocketAddr,
    requests: &[String],
    max_threads: usize,
) -> Vec<io::Result<String>> {
    assert!(max_threads > 0, "fetch_all needs at least one thread");
    let next = AtomicUsize::new(0);
    let next = &next;
    let workers = max_threads.min(requests.len());
    let mut answers: Vec<Option<io::Result<String>>> = requests.iter().map(|_| None).collect();
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        for _ in 0..workers {
            let tx = tx.clone();
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(request) = requests.get(i) else {
                        return;
                    };
                    tx.send((i, fetch(addr, request))).unwrap();
                }
            });
        }
        let mut received = 0;
        while received < requests.len() {
            match rx.try_recv() {
                Ok((i, answer)) => {
                    answers[i] = Some(answer);
                    received += 1;
                }
                Err(_) => thread::sleep(Duration::from_millis(10)),
            }
        }
    });
    answers
        .into_iter()
        .map(|a| a.expect("every request was taken by a worker"))
        .collect()
}
