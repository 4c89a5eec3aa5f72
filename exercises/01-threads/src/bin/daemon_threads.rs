//! `cargo run -p threads --bin daemon_threads`: see `threads::demos::daemon`.

fn main() {
    threads::demos::daemon::run();
}
