//! ALT: every answer is written straight into its own slot
//!
//! One `Mutex<Option<..>>` per request, created up front: a worker that
//! fetched request `i` fills slot `i`, so there is nothing to sort out
//! afterwards and no per-worker vectors.

use crate::demos::io::fetch;
use std::io;
use std::net::SocketAddr;
use std::sync::Mutex;
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
    let slots: Vec<Mutex<Option<io::Result<String>>>> =
        requests.iter().map(|_| Mutex::new(None)).collect();
    thread::scope(|s| {
        for _ in 0..max_threads.min(requests.len()) {
            s.spawn(|| {
                while let Some(i) =
                    Some(next.fetch_add(1, Ordering::Relaxed)).filter(|&i| i < requests.len())
                {
                    let answer = fetch(addr, &requests[i]);
                    *slots[i].lock().unwrap() = Some(answer);
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap()
                .expect("every request was taken by a worker")
        })
        .collect()
}
