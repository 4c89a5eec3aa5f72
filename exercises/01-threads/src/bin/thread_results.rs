//! `cargo run -p threads --bin thread_results`: see `threads::demos::results`.

fn main() {
    threads::demos::results::run();
}
