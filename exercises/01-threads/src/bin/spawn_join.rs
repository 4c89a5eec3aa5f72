//! `cargo run -p threads --bin spawn_join`: see `threads::demos::spawning`.

fn main() {
    threads::demos::spawning::spawn_and_join();
}
