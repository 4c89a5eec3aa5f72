//! Solution of `io_fan_out`.

use crate::demos::io::fetch;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

// ANCHOR: solution
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
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(move || {
                    let mut fetched = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(request) = requests.get(i) else {
                            return fetched;
                        };
                        fetched.push((i, fetch(addr, request)));
                    }
                })
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
// ANCHOR_END: solution
