//! Model checks of YOUR semaphore and bounded buffer with loom, which runs a
//! small program under every interleaving of its threads that matters (up
//! to a bound on preemptions), so a race that a normal test hits only by
//! luck is found every time.
//!
//! It needs the crate built with loom's `Mutex` and `Condvar` (`src/sync.rs`
//! switches to them under the `locks_loom` cfg), in a target directory of
//! its own:
//!
//! ```text
//! RUSTFLAGS="--cfg locks_loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test --release -p locks --test loom_models
//! ```
//!
//! (`-p locks-solution` checks the solutions with this very file.) Without
//! the cfg this file is empty.
#![cfg(locks_loom)]

use locks::exercises::bounded_buffer::BoundedBuffer;
use locks::exercises::semaphore::Semaphore;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    /// The scenario of the model running on this thread, said once when
    /// something fails (loom runs a model's threads on the test's thread).
    static SCENARIO: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Runs `model` under loom. If some interleaving fails, the test fails with
/// `scenario` (the interleaving that usually breaks, in words) and what
/// loom saw: a failed assertion, a panic inside your code, or "deadlock"
/// when every thread waits and nobody can wake them.
fn check(scenario: &'static str, model: impl Fn() + Sync + Send + 'static) {
    // When loom finds a deadlock it panics, and its clean-up can abort the
    // process before `catch_unwind` below returns: so the scenario is also
    // printed by a panic hook, ahead of the first panic message.
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Some(scenario) = SCENARIO.with(|s| s.take()) {
                eprintln!("loom found an interleaving that fails.\n{scenario}\n");
            }
            default(info);
        }));
    });
    SCENARIO.with(|s| s.set(Some(scenario)));
    let mut builder = loom::model::Builder::new();
    // Enough for every interleaving below that matters; more only costs time.
    builder.preemption_bound = Some(3);
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| builder.check(model))) {
        let seen = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("a panic");
        panic!("loom found an interleaving that fails.\n{scenario}\nWhat loom saw: {seen}");
    }
    SCENARIO.with(|s| s.set(None));
}

/// Three threads compete for one permit: never two inside at once, and the
/// permit comes back.
#[test]
fn semaphore_with_one_permit_is_a_mutual_exclusion() {
    check(
        "Three threads, one permit. A holds it; B waits in acquire(); A releases it and \
         wakes B; before B has the lock again, C calls acquire() and takes the permit. B \
         must find the count at 0 and wait again (`while`, not `if`). Or: B and C both see \
         the permit free in one lock section and take it in another (check-then-act).",
        || {
            let semaphore = Arc::new(Semaphore::new(1));
            let inside = Arc::new(AtomicUsize::new(0));
            let enter = |semaphore: &Semaphore, inside: &AtomicUsize| {
                let _permit = semaphore.acquire();
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                assert_eq!(now, 1, "two threads held the only permit at once");
                inside.fetch_sub(1, Ordering::SeqCst);
            };
            let others: Vec<_> = (0..2)
                .map(|_| {
                    let (semaphore, inside) = (Arc::clone(&semaphore), Arc::clone(&inside));
                    thread::spawn(move || enter(&semaphore, &inside))
                })
                .collect();
            enter(&semaphore, &inside);
            for other in others {
                other.join().unwrap();
            }
            assert_eq!(
                semaphore.available_permits(),
                1,
                "the permit was not given back"
            );
        },
    );
}

/// Two permits come back while two threads wait: both must get one.
#[test]
fn semaphore_two_releases_wake_two_waiters() {
    check(
        "Two permits, both held by the main thread; two threads wait in acquire(). The \
         main thread gives both back, one right after the other, before either waiter \
         runs. Each release must wake a waiter (a release that notifies only when the \
         count goes from 0 to 1 wakes one, and the other sleeps forever: deadlock).",
        || {
            let semaphore = Arc::new(Semaphore::new(2));
            let held = [semaphore.acquire(), semaphore.acquire()];
            let waiters: Vec<_> = (0..2)
                .map(|_| {
                    let semaphore = Arc::clone(&semaphore);
                    thread::spawn(move || drop(semaphore.acquire()))
                })
                .collect();
            drop(held);
            for waiter in waiters {
                waiter.join().unwrap();
            }
            assert_eq!(semaphore.available_permits(), 2);
        },
    );
}

/// try_acquire never waits and never hands out a permit that is taken.
#[test]
fn semaphore_try_acquire_and_release() {
    check(
        "Two permits. Another thread takes one and gives it back while the main thread \
         holds the other and calls try_acquire(): it may fail only while both are really \
         taken, and then a blocking acquire() must still get the one that comes back.",
        || {
            let semaphore = Arc::new(Semaphore::new(2));
            let holder = {
                let semaphore = Arc::clone(&semaphore);
                thread::spawn(move || drop(semaphore.acquire()))
            };
            let mine = semaphore.acquire();
            if semaphore.try_acquire().is_none() {
                drop(semaphore.acquire());
            }
            drop(mine);
            holder.join().unwrap();
            assert_eq!(semaphore.available_permits(), 2);
        },
    );
}

/// A producer pushes 2 items through a buffer of capacity 1 to a consumer:
/// both block in turn, and the items arrive once each, in order.
#[test]
fn bounded_buffer_of_one_delivers_in_order() {
    check(
        "Capacity 1, one producer pushing 1 then 2, one consumer popping twice. The \
         producer waits for room, the consumer for an item, in turn: each must wake the \
         other (push notifies the consumers' Condvar, pop the producers'), or both sleep \
         forever.",
        || {
            let buffer = Arc::new(BoundedBuffer::new(1));
            let producer = {
                let buffer = Arc::clone(&buffer);
                thread::spawn(move || {
                    buffer.push(1);
                    buffer.push(2);
                })
            };
            let first = buffer.pop();
            let second = buffer.pop();
            producer.join().unwrap();
            assert_eq!((first, second), (1, 2), "items out of order");
            assert!(buffer.is_empty());
        },
    );
}

/// Two consumers and a producer share a buffer of one: the notification a
/// waiting producer needs must not go to a consumer.
#[test]
fn bounded_buffer_two_consumers_and_a_producer() {
    check(
        "Capacity 1, two consumers popping one item each, one producer pushing two. The \
         producer pushes A, which wakes a consumer, and pushes B into the full buffer before \
         that consumer runs, so it waits. The consumer pops A and notifies: that wakeup must \
         reach the producer. With one Condvar for both kinds and notify_one it can go to the \
         other consumer, which finds nothing and sleeps again: deadlock. Also: a consumer \
         woken for an item another consumer took first must wait again (`while`, not `if`).",
        || {
            let buffer = Arc::new(BoundedBuffer::new(1));
            let consumers: Vec<_> = (0..2)
                .map(|_| {
                    let buffer = Arc::clone(&buffer);
                    thread::spawn(move || buffer.pop())
                })
                .collect();
            buffer.push("A");
            buffer.push("B");
            let mut got: Vec<&str> = consumers.into_iter().map(|c| c.join().unwrap()).collect();
            got.sort_unstable();
            assert_eq!(got, ["A", "B"], "each item must reach exactly one consumer");
        },
    );
}

/// try_push never blocks and never loses an item: what it refuses is still
/// in the caller's hands.
#[test]
fn bounded_buffer_try_push_against_a_consumer() {
    check(
        "Capacity 1, already full; a consumer pops while the main thread calls try_push(2). \
         try_push must either store 2 (if the pop made room first) or give 2 back, and never \
         wait.",
        || {
            let buffer = Arc::new(BoundedBuffer::new(1));
            buffer.push(1);
            let consumer = {
                let buffer = Arc::clone(&buffer);
                thread::spawn(move || buffer.pop())
            };
            match buffer.try_push(2) {
                Ok(()) => {
                    assert_eq!(consumer.join().unwrap(), 1);
                    assert_eq!(buffer.pop(), 2);
                }
                Err(refused) => {
                    assert_eq!(refused, 2, "try_push must give back the item it refused");
                    assert_eq!(consumer.join().unwrap(), 1);
                    assert!(buffer.is_empty());
                }
            }
        },
    );
}
