//! Fetches requests from a local server that answers after a fixed delay, one
//! after the other and then one thread per request, and prints how long each
//! took. `cargo run -p choosing --bin io_scaling --release [requests] [delay_ms]`

use choosing::demos::io::{SlowServer, fetch_on_threads, fetch_sequentially};
use std::time::{Duration, Instant};
use timeline::Recorder;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let count: usize = args
        .next()
        .map_or(8, |a| a.parse().expect("a number of requests"));
    let delay_ms: u64 = args
        .next()
        .map_or(100, |a| a.parse().expect("a delay in ms"));
    let server = SlowServer::start(Duration::from_millis(delay_ms))?;
    let requests: Vec<String> = (0..count).map(|i| format!("request {i}")).collect();
    println!("{count} requests, the server answers each after {delay_ms} ms");

    let started = Instant::now();
    let answers = fetch_sequentially(server.addr(), &requests);
    report("one after the other", answers, started);

    let started = Instant::now();
    let answers = fetch_on_threads(server.addr(), &requests, &Recorder::new());
    report("one thread each    ", answers, started);
    Ok(())
}

fn report(how: &str, answers: Vec<std::io::Result<String>>, started: Instant) {
    let took = started.elapsed();
    let ok = answers.iter().filter(|a| a.is_ok()).count();
    println!(
        "{how}: {ok} answers in {:>6.1} ms",
        took.as_secs_f64() * 1e3
    );
}
