//! WRONG: answers collected in the order they finish
//! EXPECT: in the order of the requests
//! CLAUSE: 1
//!
//! Every worker pushes its answer into one shared Vec as soon as it has it.
//! With a server that answers at an even pace the order often looks right;
//! it is the order of finishing, not of the requests.

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
    let answers = Mutex::new(Vec::with_capacity(requests.len()));
    thread::scope(|s| {
        for _ in 0..max_threads.min(requests.len()) {
            s.spawn(|| {
                while let Some(request) = requests.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let answer = fetch(addr, request);
                    answers.lock().unwrap().push(answer);
                }
            });
        }
    });
    answers.into_inner().unwrap()
}
