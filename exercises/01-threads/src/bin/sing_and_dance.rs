//! `cargo run -p threads --bin sing_and_dance`: see `threads::demos::interleaving`.

fn main() {
    threads::demos::interleaving::run();
}
