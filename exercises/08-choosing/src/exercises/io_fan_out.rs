//! Exercise `io_fan_out`: many slow requests at once, but never more than a
//! fixed number in flight.

#![allow(unused_variables)]

use std::io;
use std::net::SocketAddr;

// ANCHOR: starter
/// Sends every request in `requests` to the server at `addr` with
/// [`fetch`](crate::demos::io::fetch), with up to `max_threads` requests in
/// flight at the same time (and never more), and returns the answers in the
/// order of `requests`.
///
/// Use `min(max_threads, requests.len())` scoped worker threads (no more, even
/// if the extra ones would only wait their turn; name them if you like) that
/// each take the next request nobody has taken yet, until none is left. A
/// request that fails gives an `Err` in its place; the other requests still
/// run. The caller waits for the answers by blocking (`join`, or `recv` on a
/// channel), never in a `thread::sleep` loop, and returns once every request
/// has its answer.
///
/// Panics with "at least one thread" if `max_threads` is 0.
pub fn fetch_all(
    addr: SocketAddr,
    requests: &[String],
    max_threads: usize,
) -> Vec<io::Result<String>> {
    // TODO: the workers need a shared "next request nobody has taken", and
    // each answer must find its way back to its request's place.
    todo!(
        "fetch the requests on at most `max_threads` scoped worker threads, answers in request order"
    )
}
// ANCHOR_END: starter
