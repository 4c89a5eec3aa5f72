//! Tests of the I/O-bound example and of `io_scaling`.

use choosing::demos::io::{SlowServer, fetch, fetch_on_threads, fetch_sequentially};
use std::sync::Arc;
use std::time::Duration;
use testkit::{DEADLINE, Rendezvous, bin_path, run_program, within};
use timeline::Recorder;

#[test]
fn the_server_answers_each_request() {
    // Serialized with the test that runs a program, which checks that no
    // descriptor is left open: the sockets of this test must not count.
    let _clean = testkit::process_scope();
    within(DEADLINE, "a fetch", "the server never answered", || {
        let server = SlowServer::start(Duration::ZERO).unwrap();
        assert_eq!(fetch(server.addr(), "ping").unwrap(), "reply to ping");
        let requests = vec!["a".to_string(), "b".to_string()];
        let answers: Vec<String> = fetch_sequentially(server.addr(), &requests)
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(answers, ["reply to a", "reply to b"]);
    });
}

#[test]
fn fetch_on_threads_has_every_request_in_flight_at_once() {
    let _clean = testkit::process_scope(); // and the server closes every socket
    let n = 6;
    within(
        2 * DEADLINE,
        "fetch_on_threads",
        "the requests never all met",
        move || {
            let meet = Arc::new(Rendezvous::new(n));
            // Every request waits at the server for all the others: this only
            // ends if all n requests are in flight at the same time.
            let server = SlowServer::with_handler(move |r| match meet.wait(DEADLINE) {
                Ok(()) => format!("met: {r}"),
                Err(missed) => format!("missed: {missed}"),
            })
            .unwrap();
            let requests: Vec<String> = (0..n).map(|i| format!("request {i}")).collect();
            let recorder = Recorder::new();
            let answers = fetch_on_threads(server.addr(), &requests, &recorder);
            for (request, answer) in requests.iter().zip(answers) {
                assert_eq!(
                    answer.unwrap(),
                    format!("met: {request}"),
                    "{request} should have been in flight with all the other requests at once, and its answer in its place"
                );
            }
            assert_eq!(recorder.spans().len(), n, "one span per request");
        },
    );
}

#[test]
fn io_scaling_gets_every_answer_both_ways() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("io_scaling"), &["4", "1"], DEADLINE);
    assert!(run.status.success(), "io_scaling failed:\n{}", run.stderr);
    assert_eq!(
        run.count_lines_containing(": 4 answers in"),
        2,
        "output:\n{}",
        run.stdout
    );
}
