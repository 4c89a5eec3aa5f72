//! Model checks of YOUR spin lock (`process_shared_lock`) with loom, which
//! runs a small program under every interleaving of its threads that
//! matters (up to a bound on preemptions) and tracks which writes each
//! thread may see under Rust's memory model. Threads stand in for the
//! processes: the lock is the same atomic either way. So a race that the
//! process tests hit only by luck (a load, then a store: two holders) is
//! found every time, and so is an ordering too weak to publish the holder's
//! writes (`Relaxed` where `Acquire`/`Release` is needed), which x86 never
//! shows.
//!
//! It needs the crate built with loom's atomics (`src/sync.rs` switches to
//! them under the `shared_memory_loom` cfg), in a target directory of its
//! own:
//!
//! ```text
//! RUSTFLAGS="--cfg shared_memory_loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test --release -p shared-memory --test loom_models
//! ```
//!
//! (`-p shared-memory-solution` checks the solution with this very file.)
//! Without the cfg this file is empty.
#![cfg(shared_memory_loom)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use shared_memory::exercises::process_shared_lock::SpinLock;

/// Runs `model` under loom; if some interleaving fails, the test fails with
/// a first line naming the clause, then `scenario` (the interleaving that
/// usually breaks, in words) and what loom saw.
fn check(clause: &str, scenario: &str, model: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    // A thread spinning on a held lock makes loom branch at each load.
    builder.max_branches = 20_000;
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| builder.check(model))) {
        let seen = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("a panic");
        // An assertion of the model names its clause itself: that one first.
        let clause = if seen.starts_with("clause ") {
            seen.split(':').next().unwrap_or(clause)
        } else {
            clause
        };
        panic!(
            "{clause}: loom found an interleaving that fails.\n{scenario}\nWhat loom saw: {seen}"
        );
    }
}

/// Data the lock protects, outside the lock, in loom's `UnsafeCell`: loom
/// fails a model where two threads touch it without a happens-before edge
/// between them, which is what `Acquire` on taking the lock and `Release`
/// on dropping the guard must provide.
struct Guarded {
    lock: SpinLock<()>,
    data: UnsafeCell<u64>,
    inside: AtomicUsize,
}

// SAFETY: `data` is only touched while holding `lock`, which is what the
// model checks; loom reports any access that is not ordered by it.
unsafe impl Sync for Guarded {}

impl Guarded {
    fn new() -> Guarded {
        Guarded {
            lock: SpinLock::default(),
            data: UnsafeCell::new(0),
            inside: AtomicUsize::new(0),
        }
    }

    /// Takes the lock (`lock` or `try_lock`), adds one to the data, counts
    /// the holders inside, releases.
    fn add_one(&self, blocking: bool) -> bool {
        let guard = if blocking {
            Some(self.lock.lock())
        } else {
            self.lock.try_lock()
        };
        let Some(guard) = guard else { return false };
        // Relaxed: read-modify-writes see every earlier one, so the count is
        // exact, and they add no happens-before edge that the lock must
        // provide itself.
        let others = self.inside.fetch_add(1, Ordering::Relaxed);
        assert_eq!(
            others, 0,
            "clause 1 (one holder at a time): two threads held the lock at once"
        );
        // SAFETY: the lock is held (loom checks that this is ordered after
        // the previous holder's access).
        self.data.with_mut(|data| unsafe { *data += 1 });
        self.inside.fetch_sub(1, Ordering::Relaxed);
        drop(guard);
        true
    }
}

#[test]
fn lock_excludes_and_publishes() {
    check(
        // Loom reports both mistakes as a race on the guarded data: a second
        // holder, or a holder that sees no happens-before edge from the last.
        "clause 1 (one holder at a time) or clause 5 (the next holder sees the previous \
         holder's writes)",
        "Two threads call lock() and add one to data the lock guards, then try_lock does. \
         Two holders at once: the flag was loaded, found free, then stored in a separate \
         step (one compare_exchange, or swap, must test and set it), or the result of the \
         compare_exchange was ignored. 'Causality violation' on the data: taking the lock \
         is not Acquire, or releasing it is not Release, so the next holder may not see \
         the last one's write.",
        || {
            let guarded = Arc::new(Guarded::new());
            let other = {
                let guarded = Arc::clone(&guarded);
                thread::spawn(move || guarded.add_one(true))
            };
            guarded.add_one(true);
            other.join().unwrap();
            let tried = guarded.add_one(false);
            let want = 2 + u64::from(tried);
            let got = guarded.data.with(|data| {
                // SAFETY: every other thread was joined.
                unsafe { *data }
            });
            assert_eq!(
                got, want,
                "clause 1 (one holder at a time): {want} additions under the lock left {got}"
            );
        },
    );
}

#[test]
fn a_waiter_gets_the_lock_once_released() {
    check(
        "clause 3 (lock waits for a held lock, then takes it)",
        "The main thread holds the lock; another thread calls lock() and must wait, then get \
         it once the main thread drops its guard. A deadlock, or loom giving up after too \
         many steps: the guard's drop does not store false, the wait loop waits while the \
         lock is *free* (an inverted condition), or it spins without `crate::sync::yield_now()` \
         (loom cannot let the holder run).",
        || {
            let guarded = Arc::new(Guarded::new());
            let held = guarded.lock.lock();
            let waiter = {
                let guarded = Arc::clone(&guarded);
                thread::spawn(move || guarded.add_one(true))
            };
            drop(held);
            assert!(waiter.join().unwrap());
            assert!(
                guarded.add_one(false),
                "clause 2 (dropping the guard releases the lock): try_lock failed after every \
                 guard was dropped"
            );
        },
    );
}
