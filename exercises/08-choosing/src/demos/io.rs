//! I/O-bound work: asking a server that takes a while to answer. The client
//! spends nearly all its time waiting, not computing, so many requests can
//! wait at once, even on one core and even under Python's GIL.
//!
//! The server runs on 127.0.0.1 inside the same program, so the examples and
//! tests need no network and always see the same delay.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;
use timeline::Recorder;

/// What the server does with one request line: returns the answer line.
pub type Handler = dyn Fn(&str) -> String + Send + Sync;

/// A TCP server on 127.0.0.1 that answers each connection on a thread of its
/// own: it reads one line, calls the handler, writes one line back, closes.
/// Dropping it stops it and waits for its threads.
pub struct SlowServer {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl SlowServer {
    // ANCHOR: server
    /// A server that answers `reply to <request>` after `delay`: a stand-in
    /// for a database or a web service that takes `delay` to respond.
    pub fn start(delay: Duration) -> io::Result<SlowServer> {
        SlowServer::with_handler(move |request| {
            thread::sleep(delay); // the server is slow; the client only waits
            format!("reply to {request}")
        })
    }
    // ANCHOR_END: server

    /// A server that answers with whatever `handler` returns.
    pub fn with_handler(
        handler: impl Fn(&str) -> String + Send + Sync + 'static,
    ) -> io::Result<SlowServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?; // port 0: any free port
        let addr = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let acceptor = {
            let stopping = Arc::clone(&stopping);
            thread::Builder::new()
                .name("slow server".into())
                .spawn(move || accept_loop(listener, handler, stopping))?
        };
        Ok(SlowServer {
            addr,
            stopping,
            acceptor: Some(acceptor),
        })
    }

    /// Where the server listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

fn accept_loop(listener: TcpListener, handler: Arc<Handler>, stopping: Arc<AtomicBool>) {
    let mut connections = Vec::new();
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let handler = Arc::clone(&handler);
        connections.push(thread::spawn(move || {
            let _ = answer(stream, &*handler); // a client that hung up is not our problem
        }));
        connections.retain(|c| !c.is_finished());
    }
    for connection in connections {
        let _ = connection.join();
    }
}

fn answer(stream: TcpStream, handler: &Handler) -> io::Result<()> {
    let mut request = String::new();
    BufReader::new(&stream).read_line(&mut request)?;
    let reply = handler(request.trim_end());
    (&stream).write_all(format!("{reply}\n").as_bytes())
}

impl Drop for SlowServer {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // `accept` blocks: one last connection wakes it up to see the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

// ANCHOR: fetch
/// Sends one request line to the server at `addr` and returns its answer line.
pub fn fetch(addr: SocketAddr, request: &str) -> io::Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    stream.write_all(format!("{request}\n").as_bytes())?;
    stream.shutdown(Shutdown::Write)?; // "that was all": the server sees end-of-file
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    Ok(reply.trim_end().to_string())
}
// ANCHOR_END: fetch

// ANCHOR: fetch_all
/// Fetches every request, one after the other.
pub fn fetch_sequentially(addr: SocketAddr, requests: &[String]) -> Vec<io::Result<String>> {
    requests.iter().map(|r| fetch(addr, r)).collect()
}

/// Fetches every request at once, one scoped thread per request, and records a
/// span per request on `recorder`. Results come back in the order of
/// `requests`.
pub fn fetch_on_threads(
    addr: SocketAddr,
    requests: &[String],
    recorder: &Recorder,
) -> Vec<io::Result<String>> {
    thread::scope(|s| {
        let handles: Vec<_> = requests
            .iter()
            .enumerate()
            .map(|(i, request)| {
                s.spawn(move || {
                    recorder.record(&format!("thread {i}"), request, || fetch(addr, request))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a fetching thread panicked"))
            .collect()
    })
}
// ANCHOR_END: fetch_all
