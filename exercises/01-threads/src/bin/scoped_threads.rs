//! `cargo run -p threads --bin scoped_threads`: see `threads::demos::scoped`.

fn main() {
    threads::demos::scoped::run();
}
