//! `worker <num>`: the program `spawn_workers` runs, five times.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(processes::demos::spawn::worker_main(&args));
}
