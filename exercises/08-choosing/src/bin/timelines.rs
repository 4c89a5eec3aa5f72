//! Draws the chapter's timelines from a real run: the CPU-bound count on 1
//! and 2 threads, and the I/O-bound fetches one after the other and on threads.
//! `cargo run -p choosing --bin timelines --release -- src/08-choosing`

use choosing::demos::cpu::count_primes_on_threads;
use choosing::demos::io::{SlowServer, fetch, fetch_on_threads};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use timeline::Recorder;

const LIMIT: u64 = 2_000_000;
const REQUESTS: usize = 6;
const DELAY: Duration = Duration::from_millis(100);

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    for (threads, file) in [(1, "cpu-1-thread.svg"), (2, "cpu-2-threads.svg")] {
        let recorder = Arc::new(Recorder::new());
        let count = count_primes_on_threads(LIMIT, threads, &recorder);
        let title = format!("primes below {LIMIT} ({count} found) on {threads} thread(s)");
        recorder
            .timeline()
            .title(&title)
            .write_svg(dir.join(file))?;
        println!("wrote {}", dir.join(file).display());
    }

    let server = SlowServer::start(DELAY)?;
    let requests: Vec<String> = (0..REQUESTS).map(|i| format!("request {i}")).collect();
    let recorder = Recorder::new();
    for request in &requests {
        recorder.record("main", request, || fetch(server.addr(), request))?;
    }
    let title = format!("{REQUESTS} requests of {DELAY:?} each, one after the other");
    recorder
        .timeline()
        .title(&title)
        .write_svg(dir.join("io-sequential.svg"))?;

    let recorder = Recorder::new();
    for answer in fetch_on_threads(server.addr(), &requests, &recorder) {
        answer?;
    }
    let title = format!("{REQUESTS} requests of {DELAY:?} each, one thread per request");
    recorder
        .timeline()
        .title(&title)
        .write_svg(dir.join("io-threads.svg"))?;
    println!(
        "wrote {}/io-sequential.svg and io-threads.svg",
        dir.display()
    );
    Ok(())
}
