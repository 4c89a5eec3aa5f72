//! Model checks of the semaphore and the bounded buffer with loom, which runs
//! a small program under every interleaving of its threads that matters.
//!
//! ```text
//! RUSTFLAGS="--cfg locks_loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test -p locks-solution --test loom_models --release
//! ```
#![cfg(locks_loom)]

use locks::exercises::bounded_buffer::BoundedBuffer;
use locks::exercises::semaphore::Semaphore;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

/// Two threads (plus the main one) compete for one permit: never two inside.
#[test]
fn semaphore_with_one_permit_is_a_mutual_exclusion() {
    loom::model(|| {
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
    });
}

/// With two permits, try_acquire from a third thread fails only while both
/// are really taken, and every permit comes back.
#[test]
fn semaphore_try_acquire_and_release() {
    loom::model(|| {
        let semaphore = Arc::new(Semaphore::new(2));
        let holder = {
            let semaphore = Arc::clone(&semaphore);
            thread::spawn(move || drop(semaphore.acquire()))
        };
        let mine = semaphore.acquire();
        if semaphore.try_acquire().is_none() {
            // Then the other thread holds the second permit right now; it
            // will give it back, so a blocking acquire must succeed.
            drop(semaphore.acquire());
        }
        drop(mine);
        holder.join().unwrap();
        assert_eq!(semaphore.available_permits(), 2);
    });
}

/// A producer pushes 2 items through a buffer of capacity 1 to a consumer:
/// both block in turn, and the items arrive once each, in order.
#[test]
fn bounded_buffer_of_one_delivers_in_order() {
    loom::model(|| {
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
        assert_eq!((first, second), (1, 2));
        assert!(buffer.is_empty());
    });
}

/// try_push never blocks and never loses an item: what it refuses is still
/// in the caller's hands.
#[test]
fn bounded_buffer_try_push_against_a_consumer() {
    loom::model(|| {
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
    });
}
