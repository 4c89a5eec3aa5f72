//! ALT: worker threads with names of their own (`thread::Builder::name`)
//!
//! The solution's work queue, but every worker is spawned through
//! `thread::Builder` with a name ("fetcher 0", "fetcher 1", ...), as a
//! careful programmer does so that a debugger or `top -H` tells the threads
//! apart. Nothing in the contract forbids it: the tests must find these
//! workers by thread id, not by a name they would inherit from the caller.

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
    let next = &next;
    let workers = max_threads.min(requests.len());
    let mut answers: Vec<Option<io::Result<String>>> = requests.iter().map(|_| None).collect();
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                thread::Builder::new()
                    .name(format!("fetcher {w}"))
                    .spawn_scoped(s, move || {
                        let mut fetched = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(request) = requests.get(i) else {
                                return fetched;
                            };
                            fetched.push((i, fetch(addr, request)));
                        }
                    })
                    .expect("could not spawn a fetcher thread")
            })
            .collect();
        for handle in handles {
            for (i, answer) in handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            {
                answers[i] = Some(answer);
            }
        }
    });
    answers
        .into_iter()
        .map(|a| a.expect("every request was taken by a worker"))
        .collect()
}
