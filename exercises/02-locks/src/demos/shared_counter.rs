//! A counter shared by many threads, protected by a `Mutex`.
//!
//! The Python original keeps `counter` in a global and a separate
//! `threading.Lock` beside it. In Rust the counter lives *inside* the
//! `Mutex`: there is no way to reach it without locking.

use std::sync::{Arc, Mutex};
use std::thread;

// ANCHOR: increment
/// Adds one to the counter, holding the lock for just that long.
pub fn increment(counter: &Mutex<i64>) {
    let mut value = counter.lock().unwrap(); // Python: `with lock:`
    *value += 1;
} // `value`, the guard, is dropped here: this is the end of the `with` block.

/// Subtracts one from the counter.
pub fn decrement(counter: &Mutex<i64>) {
    *counter.lock().unwrap() -= 1; // the guard is a temporary: unlocked at the `;`
}
// ANCHOR_END: increment

/// Starts `incrementers` threads that each call [`increment`] `per_thread`
/// times and `decrementers` threads that each call [`decrement`] as often,
/// waits for all of them, and returns the final value of the counter.
///
/// The result is always `(incrementers - decrementers) * per_thread`.
///
/// Without the `Mutex`, the program does not compile. Two threads that both
/// change a local counter borrow it mutably at the same time (E0499):
///
#[doc = "```compile_fail,E0499"]
#[doc = include_str!("../../compile_fail/unsynchronized_counter.rs")]
#[doc = "```"]
///
/// and a single-threaded `Rc<RefCell<_>>` may not be sent to another thread
/// at all (E0277):
///
#[doc = "```compile_fail,E0277"]
#[doc = include_str!("../../compile_fail/rc_across_threads.rs")]
#[doc = "```"]
// ANCHOR: locked_counter
pub fn locked_counter(incrementers: usize, decrementers: usize, per_thread: usize) -> i64 {
    let counter = Arc::new(Mutex::new(0_i64));
    let mut workers = Vec::new();
    for _ in 0..incrementers {
        let counter = Arc::clone(&counter);
        workers.push(thread::spawn(move || {
            for _ in 0..per_thread {
                increment(&counter);
            }
        }));
    }
    for _ in 0..decrementers {
        let counter = Arc::clone(&counter);
        workers.push(thread::spawn(move || {
            for _ in 0..per_thread {
                decrement(&counter);
            }
        }));
    }
    for worker in workers {
        worker.join().expect("a counting thread panicked");
    }
    *counter.lock().unwrap() // read under the lock, like every other access
}
// ANCHOR_END: locked_counter
