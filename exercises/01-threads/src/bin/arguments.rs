//! `cargo run -p threads --bin arguments`: see `threads::demos::arguments`.

fn main() {
    threads::demos::arguments::run();
}
