//! `cargo run -p threads --bin named_threads`: see `threads::demos::names`.

fn main() {
    threads::demos::names::run();
}
