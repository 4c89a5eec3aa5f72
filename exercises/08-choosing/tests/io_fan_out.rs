//! Tests of the exercise `io_fan_out`: `cargo test -p choosing --test io_fan_out`.
//!
//! The server decides when each request is answered, so the tests set up
//! the situations that matter (answers that finish in reverse order, one
//! slow request among fast ones, requests that fail) instead of hoping the
//! scheduler produces them. `fetch_all` runs on a watched thread (testkit's
//! `watch`): a caller that sleeps on after all its workers ended
//! is reported at once, not waited out.
//!
//! The workers are found by thread id, never by name (`testkit::threads`:
//! the threads that appeared after the caller started; every test of this
//! file takes a census first, so they run one at a time): a worker may well
//! have a name of its own.

use choosing::demos::io::SlowServer;
use choosing::exercises::io_fan_out::fetch_all;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::thread;
use std::time::Duration;
use std::time::Instant;
use testkit::DEADLINE;
use testkit::panics::catch_quietly;
use testkit::task::{SleepingIn, current_tid, sleeping_in};
use testkit::threads::{Census, Snapshot, census};
use testkit::watch::spawn_watched;

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

/// Whether every thread started since `census` (taken before the test
/// started its server: the server's threads, the caller of `fetch_all` and
/// its workers) is asleep and none of them is woken for a while: nothing is
/// in transit, and the client sends nothing more until a held request is
/// let go. Nothing here depends on how fast the machine is.
fn all_quiet(census: &Census) -> bool {
    census.quiet()
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

/// Calls `fetch_all` on a thread called `name` and returns its answers. Its
/// workers are the threads that appear after it started (by id: their names
/// are theirs to choose). If the caller sleeps on after every thread it
/// started has ended, nothing will ever wake it; if it sleeps in
/// `thread::sleep`, it polls for answers instead of blocking.
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
    let since_the_call = Snapshot::now();
    let started = Instant::now();
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
                "clause 7 (returns once every answer is in, without polling): fetch_all polls: \
                 the kernel saw it asleep in thread::sleep (nanosleep) while \
                 requests were out, checking again and again for answers (try_recv, or a \
                 shared count, in a sleep loop). It notices an answer up to a whole period late \
                 and wakes up for nothing meanwhile: block instead (join the workers, or recv \
                 from the channel), so that it sleeps until an answer comes"
            );
        }
        tick();
        // Its workers and the server's threads for its requests: all ended.
        let alone = || since_the_call.appeared_ids().iter().all(|&t| t == tid);
        if alone() && caller.stays_asleep() && alone() {
            panic!(
                "clause 7 (returns once every answer is in, without polling): fetch_all never \
                 returned: all its worker threads have ended, but it still \
                 waits (an unbounded wait). Is it receiving from a channel whose sender is \
                 never dropped, or waiting for more answers than there are requests?"
            );
        }
        if started.elapsed() > DEADLINE {
            panic!(
                "clause 7 (returns once every answer is in, without polling): fetch_all did not \
                 return within {DEADLINE:?}: its threads still run or wait. \
                 Does a worker loop for ever (past the last request), or wait for something \
                 that never comes?"
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
        .unwrap_or_else(|message| {
            panic!("clause 1 (an answer for every request): fetch_all panicked: {message}")
        })
        .into_iter()
        .enumerate()
        .map(|(i, answer)| {
            answer.unwrap_or_else(|e| {
                panic!(
                    "clause 1 (an answer for every request): request {i} failed, but the server \
                     answers all: {e}"
                )
            })
        })
        .collect()
}

/// The server answers request 2 first, then 1, then 0: each request is held
/// until the next one has been answered. Answers in finishing order are
/// then reversed.
#[test]
fn answers_come_back_in_request_order_even_when_they_finish_in_reverse() {
    let census = census();
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
        if next == 0 || !all_quiet(&census) {
            return;
        }
        let arrived = gate.arrived().len();
        if arrived < N {
            gate.open();
            next = 0;
            panic!(
                "clause 2 (up to max_threads in flight): with max_threads = {N} and {N} \
                 requests, all {N} should be in flight at once, \
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
    assert!(
        answers == expected,
        "clause 1 (answers in request order): expected {expected:?}, got {answers:?}. \
         answers[i] must be the answer to requests[i], in the order of the requests; the server answered them in reverse \
         order, so answers kept in finishing order come out reversed. Remember each answer's \
         index and put it back in its place"
    );
}

/// Every request is held at the server until the client has sent all it
/// is going to send for now (all its threads asleep): then exactly
/// `max_threads` requests must be there, no fewer and no more.
#[test]
fn up_to_max_threads_requests_are_in_flight_never_more() {
    let census = census();
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
        if at_once.is_none() && all_quiet(&census) {
            at_once = Some(gate.arrived().len());
            gate.open();
        }
    });
    let answers = answers_or_panic(answers);
    drop(server);
    assert!(
        answers.len() == 10,
        "clause 1 (an answer for every request): 10 requests, {} answers",
        answers.len()
    );
    let at_once = at_once.unwrap_or(10);
    assert!(
        at_once <= MAX,
        "clause 2 (never more than max_threads in flight): with max_threads = {MAX}, at most \
         {MAX} requests may be in flight at once, but {at_once} \
         were: never more than max_threads; start min(max_threads, requests) workers, not one \
         per request"
    );
    assert!(
        at_once == MAX,
        "clause 2 (up to max_threads in flight): with max_threads = {MAX}, {MAX} requests \
         should be in flight at once, but only \
         {at_once} were while the client waited. Start all the workers before waiting for any \
         answer (a join right after each spawn runs them one at a time)"
    );
}

/// Issue 20, defect 3: a correct `fetch_all` whose workers have names of
/// their own (`thread::Builder::new().name(...)`) was taken for one whose
/// workers had all ended, because the tests counted the threads that bore
/// the caller's name. The workers are found by thread id instead: the
/// threads that appeared after the caller started, less the server's (each
/// handler says its id). With every request held at the server until the
/// client is quiet, there must be exactly `min(max_threads, requests)`.
#[test]
fn workers_with_their_own_names_are_still_found() {
    for (n, max) in [(10, 3), (2, 5)] {
        let census = census();
        let gate = Arc::new(Gate::default());
        let handlers = Arc::new(Mutex::new(Vec::new()));
        let server = {
            let (gate, handlers) = (Arc::clone(&gate), Arc::clone(&handlers));
            SlowServer::with_handler(move |request| {
                handlers.lock().unwrap().push(current_tid());
                gate.pass(number(request));
                format!("answer to {request}")
            })
            .unwrap()
        };
        let _open_at_end = OpenOnDrop(Arc::clone(&gate));
        // Taken after the server's acceptor started: what appears from now
        // on is the caller, its workers and the server's handlers.
        let since_the_call = Snapshot::now();
        let mut workers = None;
        let answers = run_fetch_all_with("fan-named", server.addr(), requests(n), max, || {
            if workers.is_none() && all_quiet(&census) {
                let handlers = handlers.lock().unwrap().clone();
                let others: Vec<u32> = since_the_call
                    .appeared_ids()
                    .into_iter()
                    .filter(|tid| !handlers.contains(tid))
                    .collect();
                // The caller is one of them.
                workers = Some(others.len().saturating_sub(1));
                gate.open();
            }
        });
        let answers = answers_or_panic(answers);
        drop(server);
        let expected = max.min(n);
        let workers = workers.unwrap_or(expected);
        assert!(
            workers == expected,
            "clause 3 (min(max_threads, requests) worker threads): {n} requests with \
             max_threads = {max} should run on {expected} worker threads, but while every \
             request was held at the server fetch_all had {workers} threads besides itself \
             (found by thread id, whatever their names). Start max_threads.min(requests.len()) \
             workers that each take requests until none is left: not one thread per request, \
             even if most of them wait for a turn"
        );
        assert!(
            answers.len() == n,
            "clause 1 (an answer for every request): {n} requests, {} answers",
            answers.len()
        );
    }
}

/// More requests than threads, and more threads than this machine (or any
/// the course runs on, up to 64 cores) has cores. Fewer than 128 requests:
/// a listener's queue holds 128 connections, and a client that opens more
/// at once (one thread per request) waits seconds for the kernel's retries.
#[test]
fn many_requests_on_64_threads() {
    let _census = census();
    let server = SlowServer::with_handler(|r| r.to_uppercase()).unwrap();
    let answers = answers_or_panic(run_fetch_all("fan-many", server.addr(), requests(120), 64));
    drop(server);
    let expected: Vec<String> = (0..120).map(|i| format!("REQUEST {i}")).collect();
    if let Some(i) = (0..120).find(|&i| answers.get(i) != expected.get(i)) {
        panic!(
            "clause 1 (answers in request order): 120 requests on 64 threads, {} answers; \
             answers[{i}] should be {:?}, got {:?}",
            answers.len(),
            expected[i],
            answers.get(i)
        );
    }
}

/// One slow request among fast ones: request 0 is held until every other
/// request has been answered. Two workers: one waits on request 0, the
/// other must do all the rest meanwhile. Work cut into batches of
/// `max_threads` (or split up front) holds the fast requests behind it.
#[test]
fn a_slow_request_does_not_hold_back_the_fast_ones() {
    let census = census();
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
    let began = Instant::now();
    let answers = run_fetch_all_with(CLIENT, server.addr(), requests(N), 2, || {
        if released {
            return;
        }
        if !all_quiet(&census) {
            // The census never saw every thread asleep at once (a thread of
            // the test harness can come and go): open the gate without a
            // verdict on clause 4 rather than let a correct fetch_all time out.
            if began.elapsed() > DEADLINE / 4 {
                released = true;
                gate.open();
            }
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
            "clause 4 (a free worker takes the next request): a slow request held back the \
             fast ones: while request 0 was slow, only {fast_done} \
             of the other {} requests were fetched and the client sent nothing more (two \
             threads). A worker should take the next request as soon as it is free, not wait \
             for a whole batch of max_threads (or for a share handed out up front)",
            N - 1
        );
    }
    let answers = answers_or_panic(answers);
    assert!(
        answers.len() == N,
        "clause 1 (an answer for every request): {N} requests, {} answers",
        answers.len()
    );
}

#[test]
fn more_threads_than_requests_is_fine() {
    let _census = census();
    let server = SlowServer::with_handler(|r| r.to_uppercase()).unwrap();
    let answers = answers_or_panic(run_fetch_all("fan-few", server.addr(), requests(2), 16));
    assert!(
        answers == ["REQUEST 0", "REQUEST 1"],
        "clause 1 (answers in request order): 2 requests on up to 16 threads, expected \
         [\"REQUEST 0\", \"REQUEST 1\"], got {answers:?}: answers[i] must be the answer to \
         requests[i]"
    );
    let none = answers_or_panic(run_fetch_all("fan-none", server.addr(), Vec::new(), 4));
    assert!(
        none.is_empty(),
        "clause 1 (an answer for every request): no requests, so no answers, but got {none:?}"
    );
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
    let _census = census();
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
    assert!(
        received == requests.len(),
        "clause 5 (the other requests still run): only {received} of the {} requests reached the server: a worker stopped at the first \
         error. An error from fetch is just another answer: keep it in its place and go on \
         with the next request",
        requests.len()
    );
    let answers = outcome.unwrap_or_else(|message| {
        panic!("clause 5 (a failed request is an Err in its place): fetch_all panicked: {message}")
    });
    assert!(
        answers.len() == requests.len(),
        "clause 5 (a failed request is an Err in its place): {} requests, {} answers: one \
         entry per request, failed or not; an error was swallowed (dropped from the answers)",
        requests.len(),
        answers.len()
    );
    for (i, (request, answer)) in requests.iter().zip(&answers).enumerate() {
        if request.contains("bad") {
            match answer {
                Err(e) => assert!(
                    e.kind() == io::ErrorKind::InvalidData,
                    "clause 5 (a failed request is an Err in its place): request {i} failed, but \
                     not with fetch's own error (InvalidData): {e}"
                ),
                Ok(answer) => panic!(
                    "clause 5 (a failed request is an Err in its place): request {i} failed (the \
                     server's answer is not UTF-8), but answers[{i}] \
                     is Ok({answer:?}): the error was swallowed, or the answers are not in the \
                     order of the requests. Keep fetch's Err in its place"
                ),
            }
        } else {
            assert!(
                matches!(answer, Ok(a) if a == "fine"),
                "clause 1 (answers in request order): request {i} should have been answered \
                 \"fine\", got {answer:?}: are the \
                 answers in the order of the requests?"
            );
        }
    }
}

#[test]
fn a_server_that_is_not_there_gives_an_err_per_request() {
    let _census = census();
    // A port that was free a moment ago and has nobody listening now.
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let answers = run_fetch_all("fan-refused", addr, requests(5), 2).unwrap_or_else(|message| {
        panic!("clause 5 (a failed request is an Err in its place): fetch_all panicked: {message}")
    });
    assert!(
        answers.len() == 5,
        "clause 5 (a failed request is an Err in its place): 5 requests, {} answers: one entry \
         per request, even when they fail",
        answers.len()
    );
    for (i, answer) in answers.iter().enumerate() {
        let Err(error) = answer else {
            panic!(
                "clause 5 (a failed request is an Err in its place): nobody listens, so request \
                 {i} must fail, but answers[{i}] is {answer:?}: the \
                 error was swallowed. Keep fetch's Err in its place"
            );
        };
        assert!(
            error.kind() == io::ErrorKind::ConnectionRefused,
            "clause 5 (a failed request is an Err in its place): request {i} failed, but not \
             with the connection error: {error}"
        );
    }
}

#[test]
fn zero_threads_is_refused() {
    let _census = census();
    let addr = "127.0.0.1:9".parse().unwrap();
    match catch_quietly(|| fetch_all(addr, &requests(1), 0)) {
        Ok(_) => panic!(
            "clause 6 (0 threads is refused): fetch_all(.., max_threads = 0) returned; it must panic with a message that \
             contains \"at least one thread\""
        ),
        Err(message) => assert!(
            message.contains("at least one thread"),
            "clause 6 (0 threads is refused): fetch_all(.., 0) panicked with {message:?}; the \
             message should contain \"at least \
             one thread\""
        ),
    }
}
