//! `cargo run -p locks --bin atomic_counter --release`: the same counter with
//! a Mutex and with an AtomicI64, timed. The times are for reading, not for
//! tests: they depend on the machine.

use locks::demos::atomic_counter::atomic_counter;
use locks::demos::shared_counter::locked_counter;
use std::time::Instant;

fn main() {
    let (incrementers, decrementers, per_thread) = (8, 4, 100_000);
    let expected = (incrementers as i64 - decrementers as i64) * per_thread as i64;
    println!(
        "{incrementers} threads x {per_thread} increments, {decrementers} threads x {per_thread} decrements"
    );
    let start = Instant::now();
    let with_mutex = locked_counter(incrementers, decrementers, per_thread);
    let mutex_time = start.elapsed();
    let start = Instant::now();
    let with_atomic = atomic_counter(incrementers, decrementers, per_thread);
    let atomic_time = start.elapsed();
    println!("Mutex<i64>: counter = {with_mutex} (expected {expected}) in {mutex_time:.1?}");
    println!("AtomicI64:  counter = {with_atomic} (expected {expected}) in {atomic_time:.1?}");
}
