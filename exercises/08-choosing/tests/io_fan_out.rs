//! Tests of the exercise `io_fan_out`: `cargo test -p choosing --test io_fan_out`.

use choosing::demos::io::SlowServer;
use choosing::exercises::io_fan_out::fetch_all;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use testkit::{DEADLINE, Missed, Rendezvous, within};

fn requests(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("request {i}")).collect()
}

#[test]
fn the_answers_come_back_in_request_order() {
    within(
        DEADLINE,
        "fetch_all",
        "a worker or the server is stuck",
        || {
            let server = SlowServer::with_handler(|r| format!("answer to {r}")).unwrap();
            let requests = requests(10);
            let answers: Vec<String> = fetch_all(server.addr(), &requests, 3)
                .into_iter()
                .map(|a| a.expect("the local server answers every request"))
                .collect();
            let expected: Vec<String> = requests.iter().map(|r| format!("answer to {r}")).collect();
            assert_eq!(
                answers, expected,
                "answers[i] must be the answer to requests[i]"
            );
        },
    );
}

/// What the server saw: how many requests were in flight at most, and
/// whether the first ones were all in flight together.
#[derive(Default)]
struct Watch {
    arrivals: AtomicUsize,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    missed: Mutex<Option<Missed>>,
}

#[test]
fn up_to_max_threads_requests_are_in_flight_never_more() {
    let max = 3;
    within(
        2 * DEADLINE,
        "fetch_all",
        "a worker or the server is stuck",
        move || {
            let watch = Arc::new(Watch::default());
            let meet = Arc::new(Rendezvous::new(max));
            let seen = Arc::clone(&watch);
            let server = SlowServer::with_handler(move |r| {
                let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                seen.most_in_flight.fetch_max(now, Ordering::SeqCst);
                // The first `max` requests wait for each other: they all get
                // here only if `max` requests are in flight at once.
                if seen.arrivals.fetch_add(1, Ordering::SeqCst) < max
                    && let Err(missed) = meet.wait(DEADLINE)
                {
                    seen.missed.lock().unwrap().get_or_insert(missed);
                }
                seen.in_flight.fetch_sub(1, Ordering::SeqCst); // before the answer is sent
                format!("answer to {r}")
            })
            .unwrap();
            let answers = fetch_all(server.addr(), &requests(10), max);
            drop(server);
            assert_eq!(
                answers.iter().filter(|a| a.is_ok()).count(),
                10,
                "every request is answered"
            );
            if let Some(missed) = *watch.missed.lock().unwrap() {
                panic!(
                    "with max_threads = {max}, {max} requests should be in flight at once, but \
                 {missed} (requests). Start all the workers before waiting for any answer."
                );
            }
            let most = watch.most_in_flight.load(Ordering::SeqCst);
            assert!(
                most <= max,
                "with max_threads = {max}, at most {max} requests may be in flight at once, but the \
             server saw {most}: start min(max_threads, requests) workers, not one per request"
            );
        },
    );
}

#[test]
fn more_threads_than_requests_is_fine() {
    within(
        DEADLINE,
        "fetch_all",
        "a worker or the server is stuck",
        || {
            let server = SlowServer::with_handler(|r| r.to_uppercase()).unwrap();
            let answers = fetch_all(server.addr(), &requests(2), 16);
            let answers: Vec<String> = answers.into_iter().map(|a| a.unwrap()).collect();
            assert_eq!(answers, ["REQUEST 0", "REQUEST 1"]);
            assert!(
                fetch_all(server.addr(), &[], 4).is_empty(),
                "no requests, no answers"
            );
        },
    );
}

#[test]
fn a_request_that_fails_is_an_err_in_its_place() {
    within(DEADLINE, "fetch_all", "a worker is stuck", || {
        // A port that was free a moment ago and has nobody listening now.
        let addr = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let answers = fetch_all(addr, &requests(5), 2);
        assert_eq!(
            answers.len(),
            5,
            "one entry per request, even when they fail"
        );
        for (i, answer) in answers.iter().enumerate() {
            let error = answer
                .as_ref()
                .expect_err("nobody listens: the request must fail");
            assert_eq!(
                error.kind(),
                std::io::ErrorKind::ConnectionRefused,
                "request {i} failed, but not with the connection error: {error}"
            );
        }
    });
}

#[test]
#[should_panic(expected = "at least one thread")]
fn zero_threads_is_refused() {
    let addr = "127.0.0.1:9".parse().unwrap();
    fetch_all(addr, &requests(1), 0);
}
