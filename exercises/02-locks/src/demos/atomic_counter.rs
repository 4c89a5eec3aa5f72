//! The same counter with an atomic integer instead of a `Mutex`.

use std::sync::atomic::{AtomicI64, Ordering};
use std::thread;

// ANCHOR: atomic_counter
/// Like [`locked_counter`](super::shared_counter::locked_counter), with one
/// `AtomicI64` that every thread changes with a single indivisible
/// instruction. Scoped threads borrow it: no `Arc` needed.
pub fn atomic_counter(incrementers: usize, decrementers: usize, per_thread: usize) -> i64 {
    let counter = AtomicI64::new(0);
    thread::scope(|s| {
        for _ in 0..incrementers {
            s.spawn(|| {
                for _ in 0..per_thread {
                    // Relaxed: the add itself is atomic whatever the ordering;
                    // nothing else is published through this counter.
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        for _ in 0..decrementers {
            s.spawn(|| {
                for _ in 0..per_thread {
                    counter.fetch_sub(1, Ordering::Relaxed);
                }
            });
        }
    }); // every thread is joined here, and joining orders their writes before us
    counter.load(Ordering::Relaxed)
}
// ANCHOR_END: atomic_counter
