//! Tests of the exercise `io_fan_out`: `cargo test -p choosing --test io_fan_out`.
//!
//! The server decides when each request is answered, so the tests set up
//! the situations that matter (answers that finish in reverse order, one
//! slow request among fast ones, requests that fail) instead of hoping the
//! scheduler produces them. `fetch_all` runs on a watched thread (testkit's
//! `watch`): a caller that sleeps on after all its workers ended
//! is reported at once, not waited out.

use choosing::demos::io::SlowServer;
use choosing::exercises::io_fan_out::fetch_all;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::thread;
use std::time::Duration;
use testkit::DEADLINE;
use testkit::panics::catch_quietly;
use testkit::task::{SleepingIn, current_tid, sleeping_in};
use testkit::watch::{all_asleep_named, spawn_watched, threads_named};

/// Where the server's handlers wait until the test lets each request go.
/// Handlers block on a Condvar (no polling), so a held request is a thread
/// that sleeps until released.
#[derive(Default)]
struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Default)]
struct GateState {
    /// Request numbers, in the order they reached a handler.
    arrived: Vec<usize>,
    released: Vec<usize>,
    /// Requests whose handler has returned (the answer is on its way).
    answered: Vec<usize>,
    /// Let every request through from now on.
    open: bool,
}

impl Gate {
    /// Called by a handler: waits until request `i` is released.
    fn pass(&self, i: usize) {
        let mut state = self.state.lock().unwrap();
        state.arrived.push(i);
        self.changed.notify_all();
        let mut state = self
            .changed
            .wait_while(state, |s| !s.open && !s.released.contains(&i))
            .unwrap();
        state.answered.push(i);
    }

    fn release(&self, i: usize) {
        self.state.lock().unwrap().released.push(i);
        self.changed.notify_all();
    }

    fn open(&self) {
        self.state.lock().unwrap().open = true;
        self.changed.notify_all();
    }

    fn arrived(&self) -> Vec<usize> {
        self.state.lock().unwrap().arrived.clone()
    }

    fn answered(&self) -> Vec<usize> {
        self.state.lock().unwrap().answered.clone()
    }
}

/// Opens the gate when dropped. Declared after the server, it is dropped
/// first, also when a test panics: the server's drop waits for its handlers,
/// and a handler held at a closed gate would keep it waiting for ever.
struct OpenOnDrop(Arc<Gate>);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.open();
    }
}

/// Whether the client called `client` and every server of this test binary
/// are all asleep and none of them is woken for a while: nothing is in
/// transit, and the client sends nothing more until a held request is let
/// go. Nothing here depends on how fast the machine is.
fn all_quiet(client: &str) -> bool {
    all_asleep_named(client) && all_asleep_named("slow server")
}

fn requests(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("request {i}")).collect()
}

fn number(request: &str) -> usize {
    request
        .trim_start_matches("request ")
        .parse()
        .expect("the tests send requests named `request <i>`")
}

/// Calls `fetch_all` on a thread called `name` (a name no other test uses:
/// its worker threads inherit it) and returns its answers. If the caller
/// sleeps on after every worker has ended, nothing will ever wake it; if it
/// sleeps in `thread::sleep`, it polls for answers instead of blocking.
fn run_fetch_all(
    name: &'static str,
    addr: SocketAddr,
    requests: Vec<String>,
    max_threads: usize,
) -> Result<Vec<io::Result<String>>, String> {
    run_fetch_all_with(name, addr, requests, max_threads, || {})
}

/// [`run_fetch_all`], calling `tick` now and then while `fetch_all` runs.
fn run_fetch_all_with(
    name: &'static str,
    addr: SocketAddr,
    requests: Vec<String>,
    max_threads: usize,
    mut tick: impl FnMut(),
) -> Result<Vec<io::Result<String>>, String> {
    let (tid_tx, tid_rx) = mpsc::channel();
    let caller = spawn_watched(name, move || {
        let _ = tid_tx.send(current_tid());
        fetch_all(addr, &requests, max_threads)
    });
    let tid = tid_rx
        .recv_timeout(DEADLINE)
        .expect("the thread that calls fetch_all never started");
    while !caller.finished() {
        if let Some((_, SleepingIn::Timer)) = sleeping_in(tid) {
            panic!(
                "fetch_all polls: the kernel saw it asleep in thread::sleep (nanosleep) while \
                 requests were out, checking again and again for answers (try_recv, or a \
                 shared count, in a sleep loop). It notices an answer up to a whole period late \
                 and wakes up for nothing meanwhile: block instead (join the workers, or recv \
                 from the channel), so that it sleeps until an answer comes"
            );
        }
        tick();
        if threads_named(name) == 1 && caller.stays_asleep() && threads_named(name) == 1 {
            panic!(
                "fetch_all never returned: all its worker threads have ended, but it still \
                 waits (an unbounded wait). Is it receiving from a channel whose sender is \
                 never dropped, or waiting for more answers than there are requests?"
            );
        }
        thread::sleep(Duration::from_millis(5)); // sampling /proc
    }
    caller
        .join_within(DEADLINE)
        .expect("the caller had finished")
}

fn answers_or_panic(outcome: Result<Vec<io::Result<String>>, String>) -> Vec<String> {
    outcome
        .unwrap_or_else(|message| panic!("fetch_all panicked: {message}"))
        .into_iter()
        .enumerate()
        .map(|(i, answer)| {
            answer.unwrap_or_else(|e| panic!("request {i} failed, but the server answers all: {e}"))
        })
        .collect()
}

/// The server answers request 2 first, then 1, then 0: each request is held
/// until the next one has been answered. Answers in finishing order are
/// then reversed.
#[test]
fn answers_come_back_in_request_order_even_when_they_finish_in_reverse() {
    const N: usize = 3;
    const CLIENT: &str = "fan-reverse";
    let gate = Arc::new(Gate::default());
    let server = {
        let gate = Arc::clone(&gate);
        SlowServer::with_handler(move |request| {
            gate.pass(number(request));
            format!("answer to {request}")
        })
        .unwrap()
    };
    let _open_at_end = OpenOnDrop(Arc::clone(&gate));
    // All N held; then N-1 goes, and each next one only once the client has
    // taken in the previous answer (all its threads asleep again).
    let mut next = N;
    let answers = run_fetch_all_with(CLIENT, server.addr(), requests(N), N, || {
        if next == 0 || !all_quiet(CLIENT) {
            return;
        }
        let arrived = gate.arrived().len();
        if arrived < N {
            gate.open();
            next = 0;
            panic!(
                "with max_threads = {N} and {N} requests, all {N} should be in flight at once, \
                 but only {arrived} reached the server while the client waited"
            );
        }
        if next == N || gate.answered().contains(&next) {
            next -= 1;
            gate.release(next);
        }
    });
    let answers = answers_or_panic(answers);
    let expected: Vec<String> = requests(N)
        .iter()
        .map(|r| format!("answer to {r}"))
        .collect();
    assert_eq!(
        answers, expected,
        "answers[i] must be the answer to requests[i], in the order of the requests; the \
         server answered them in reverse order, so answers kept in finishing order come out \
         reversed. Remember each answer's index and put it back in its place"
    );
}

/// Every request is held at the server until the client has sent all it
/// is going to send for now (all its threads asleep): then exactly
/// `max_threads` requests must be there, no fewer and no more.
#[test]
fn up_to_max_threads_requests_are_in_flight_never_more() {
    const MAX: usize = 3;
    const CLIENT: &str = "fan-in-flight";
    let gate = Arc::new(Gate::default());
    let server = {
        let gate = Arc::clone(&gate);
        SlowServer::with_handler(move |request| {
            gate.pass(number(request));
            format!("answer to {request}")
        })
        .unwrap()
    };
    let _open_at_end = OpenOnDrop(Arc::clone(&gate));
    let mut at_once = None;
    let answers = run_fetch_all_with(CLIENT, server.addr(), requests(10), MAX, || {
        if at_once.is_none() && all_quiet(CLIENT) {
            at_once = Some(gate.arrived().len());
            gate.open();
        }
    });
    let answers = answers_or_panic(answers);
    drop(server);
    assert_eq!(answers.len(), 10, "one answer per request");
    let at_once = at_once.unwrap_or(10);
    assert!(
        at_once <= MAX,
        "with max_threads = {MAX}, at most {MAX} requests may be in flight at once, but {at_once} \
         were: never more than max_threads; start min(max_threads, requests) workers, not one \
         per request"
    );
    assert!(
        at_once == MAX,
        "with max_threads = {MAX}, {MAX} requests should be in flight at once, but only \
         {at_once} were while the client waited. Start all the workers before waiting for any \
         answer (a join right after each spawn runs them one at a time)"
    );
}

/// One slow request among fast ones: request 0 is held until every other
/// request has been answered. Two workers: one waits on request 0, the
/// other must do all the rest meanwhile. Work cut into batches of
/// `max_threads` (or split up front) holds the fast requests behind it.
#[test]
fn a_slow_request_does_not_hold_back_the_fast_ones() {
    const N: usize = 8;
    const CLIENT: &str = "fan-slow-one";
    let gate = Arc::new(Gate::default());
    let server = {
        let gate = Arc::clone(&gate);
        SlowServer::with_handler(move |request| {
            let i = number(request);
            if i != 0 {
                gate.release(i); // only request 0 is slow
            }
            gate.pass(i);
            format!("answer to {request}")
        })
        .unwrap()
    };
    let _open_at_end = OpenOnDrop(Arc::clone(&gate));
    let mut held_back = None;
    let mut released = false;
    let answers = run_fetch_all_with(CLIENT, server.addr(), requests(N), 2, || {
        if released || !all_quiet(CLIENT) {
            return;
        }
        let fast_done = gate.answered().len();
        if fast_done < N - 1 {
            held_back = Some(fast_done);
        }
        released = true;
        gate.open();
    });
    if let Some(fast_done) = held_back {
        panic!(
            "a slow request held back the fast ones: while request 0 was slow, only {fast_done} \
             of the other {} requests were fetched and the client sent nothing more (two \
             threads). A worker should take the next request as soon as it is free, not wait \
             for a whole batch of max_threads (or for a share handed out up front)",
            N - 1
        );
    }
    let answers = answers_or_panic(answers);
    assert_eq!(answers.len(), N, "one answer per request");
}

#[test]
fn more_threads_than_requests_is_fine() {
    let server = SlowServer::with_handler(|r| r.to_uppercase()).unwrap();
    let answers = answers_or_panic(run_fetch_all("fan-few", server.addr(), requests(2), 16));
    assert_eq!(
        answers,
        ["REQUEST 0", "REQUEST 1"],
        "answers[i] must be the answer to requests[i], in the order of the requests"
    );
    let none = answers_or_panic(run_fetch_all("fan-none", server.addr(), Vec::new(), 4));
    assert!(none.is_empty(), "no requests, no answers");
}

/// A server that answers `bad` requests with bytes that are not UTF-8, so
/// that `fetch` fails on them (and only on them) with `InvalidData`. It
/// counts the requests it received.
struct PickyServer {
    addr: SocketAddr,
    received: Arc<AtomicUsize>,
}

impl PickyServer {
    fn start(expected: usize) -> PickyServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&received);
        thread::spawn(move || {
            // Serves exactly `expected` connections, then stops; a client
            // that sends fewer leaves it waiting in accept, harmlessly.
            for stream in listener.incoming().take(expected) {
                let Ok(mut stream) = stream else { continue };
                let counter = Arc::clone(&counter);
                thread::spawn(move || {
                    let mut request = String::new();
                    let _ = BufReader::new(&stream).read_line(&mut request);
                    counter.fetch_add(1, Ordering::SeqCst);
                    let reply: &[u8] = if request.contains("bad") {
                        b"\xff\xfe not UTF-8\n"
                    } else {
                        b"fine\n"
                    };
                    let _ = stream.write_all(reply);
                });
            }
        });
        PickyServer { addr, received }
    }
}

#[test]
fn a_request_that_fails_is_an_err_in_its_place_and_the_others_still_run() {
    // The first request fails: a worker that gives up at its first error
    // leaves most of the others undone.
    let requests: Vec<String> = (0..8)
        .map(|i| {
            if i % 3 == 0 {
                format!("bad request {i}")
            } else {
                format!("request {i}")
            }
        })
        .collect();
    let server = PickyServer::start(requests.len());
    let outcome = run_fetch_all("fan-errors", server.addr, requests.clone(), 2);
    let received = server.received.load(Ordering::SeqCst);
    assert_eq!(
        received,
        requests.len(),
        "only {received} of the {} requests reached the server: a worker stopped at the first \
         error. An error from fetch is just another answer: keep it in its place and go on \
         with the next request",
        requests.len()
    );
    let answers = outcome.unwrap_or_else(|message| panic!("fetch_all panicked: {message}"));
    assert_eq!(
        answers.len(),
        requests.len(),
        "one entry per request, failed or not: an error was swallowed (dropped from the answers)"
    );
    for (i, (request, answer)) in requests.iter().zip(&answers).enumerate() {
        if request.contains("bad") {
            match answer {
                Err(e) => assert_eq!(
                    e.kind(),
                    io::ErrorKind::InvalidData,
                    "request {i} failed, but not with fetch's own error: {e}"
                ),
                Ok(answer) => panic!(
                    "request {i} failed (the server's answer is not UTF-8), but answers[{i}] \
                     is Ok({answer:?}): the error was swallowed, or the answers are not in the \
                     order of the requests. Keep fetch's Err in its place"
                ),
            }
        } else {
            assert!(
                matches!(answer, Ok(a) if a == "fine"),
                "request {i} should have been answered \"fine\", got {answer:?}: are the \
                 answers in the order of the requests?"
            );
        }
    }
}

#[test]
fn a_server_that_is_not_there_gives_an_err_per_request() {
    // A port that was free a moment ago and has nobody listening now.
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let answers = run_fetch_all("fan-refused", addr, requests(5), 2)
        .unwrap_or_else(|message| panic!("fetch_all panicked: {message}"));
    assert_eq!(
        answers.len(),
        5,
        "one entry per request, even when they fail"
    );
    for (i, answer) in answers.iter().enumerate() {
        let Err(error) = answer else {
            panic!(
                "nobody listens, so request {i} must fail, but answers[{i}] is {answer:?}: the \
                 error was swallowed. Keep fetch's Err in its place"
            );
        };
        assert_eq!(
            error.kind(),
            io::ErrorKind::ConnectionRefused,
            "request {i} failed, but not with the connection error: {error}"
        );
    }
}

#[test]
fn zero_threads_is_refused() {
    let addr = "127.0.0.1:9".parse().unwrap();
    match catch_quietly(|| fetch_all(addr, &requests(1), 0)) {
        Ok(_) => panic!(
            "fetch_all(.., max_threads = 0) returned; it must panic with a message that \
             contains \"at least one thread\""
        ),
        Err(message) => assert!(
            message.contains("at least one thread"),
            "fetch_all(.., 0) panicked with {message:?}; the message should contain \"at least \
             one thread\""
        ),
    }
}
