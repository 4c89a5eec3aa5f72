//! `cargo run -p locks --bin lock_counter`: the lock-protected counter.

use locks::demos::shared_counter::locked_counter;

// ANCHOR: main
fn main() {
    let (incrementers, decrementers, per_thread) = (8, 4, 10_000);
    let total = locked_counter(incrementers, decrementers, per_thread);
    let expected = (incrementers as i64 - decrementers as i64) * per_thread as i64;
    println!(
        "{incrementers} threads x {per_thread} increments, {decrementers} threads x {per_thread} decrements"
    );
    println!("counter = {total} (expected {expected})");
}
// ANCHOR_END: main
