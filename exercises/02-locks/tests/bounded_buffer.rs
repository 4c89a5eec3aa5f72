//! Tests of the `bounded_buffer` exercise:
//! `cargo test -p locks --test bounded_buffer`.

use locks::exercises::bounded_buffer::BoundedBuffer;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread;
use testkit::{DEADLINE, Rendezvous, within};

#[test]
fn items_come_out_in_the_order_they_went_in() {
    within(
        DEADLINE,
        "pushing 3 items into a buffer of 4 and popping them",
        "push() or pop() waited although the buffer was neither full nor empty: \
         check the conditions of the `while` loops",
        || {
            let buffer = BoundedBuffer::new(4);
            assert_eq!(
                buffer.capacity(),
                4,
                "capacity() should return what new() was given"
            );
            assert!(buffer.is_empty(), "a new buffer should be empty");
            for item in ["first", "second", "third"] {
                buffer.push(item);
            }
            assert_eq!(buffer.len(), 3, "3 items were pushed and none popped");
            let popped = [buffer.pop(), buffer.pop(), buffer.pop()];
            assert_eq!(
                popped,
                ["first", "second", "third"],
                "a bounded buffer is first-in first-out: push at the back, pop at the front"
            );
            assert!(
                buffer.is_empty(),
                "every item was popped, the buffer should be empty"
            );
        },
    );
}

#[test]
fn try_push_gives_the_item_back_when_full() {
    within(
        DEADLINE,
        "try_push on a full buffer",
        "try_push() must never wait: when the buffer is full it returns Err(item) at once",
        || {
            let buffer = BoundedBuffer::new(2);
            assert_eq!(
                buffer.try_push(1),
                Ok(()),
                "try_push() into an empty buffer of 2 failed"
            );
            assert_eq!(
                buffer.try_push(2),
                Ok(()),
                "try_push() into a buffer with 1 of 2 failed"
            );
            assert_eq!(
                buffer.try_push(3),
                Err(3),
                "the buffer holds 2 of 2 items: try_push(3) should give 3 back as Err(3)"
            );
            assert_eq!(
                buffer.len(),
                2,
                "a refused try_push must not change the buffer"
            );
            assert_eq!(buffer.pop(), 1, "pop() should return the oldest item");
            assert_eq!(
                buffer.try_push(3),
                Ok(()),
                "pop() made room, but try_push() still failed"
            );
            assert_eq!(
                [buffer.pop(), buffer.pop()],
                [2, 3],
                "items should come out in FIFO order"
            );
        },
    );
}

#[test]
#[should_panic(expected = "capacity of at least 1")]
fn a_capacity_of_zero_is_refused() {
    let _ = BoundedBuffer::<u8>::new(0);
}

#[test]
fn a_push_into_a_full_buffer_waits_until_a_pop_makes_room() {
    let buffer = Arc::new(BoundedBuffer::new(1));
    buffer.push("already there");
    let both_ready = Arc::new(Rendezvous::new(2));
    let (pushed_tx, pushed_rx) = mpsc::channel();
    let producer = {
        let (buffer, both_ready) = (Arc::clone(&buffer), Arc::clone(&both_ready));
        thread::spawn(move || {
            both_ready
                .wait(DEADLINE)
                .expect("the test thread never reached the rendezvous");
            buffer.push("waited for room");
            let _ = pushed_tx.send(());
        })
    };
    both_ready
        .wait(DEADLINE)
        .expect("the producer thread never reached the rendezvous");
    assert!(
        pushed_rx.try_recv().is_err(),
        "push() returned while the buffer (capacity 1) was full: it must wait on `not_full`"
    );
    assert_eq!(
        buffer.len(),
        1,
        "a buffer of capacity 1 held {} items",
        buffer.len()
    );
    assert_eq!(
        buffer.pop(),
        "already there",
        "pop() should return the oldest item"
    );
    pushed_rx.recv_timeout(DEADLINE).expect(
        "deadlock: push() was still waiting after pop() made room; \
         does pop() notify the Condvar that push() waits on (`not_full`)?",
    );
    assert_eq!(
        buffer.pop(),
        "waited for room",
        "the waiting push() should have stored its item"
    );
    producer
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

#[test]
fn a_pop_from_an_empty_buffer_waits_until_a_push() {
    let buffer = Arc::new(BoundedBuffer::new(2));
    let both_ready = Arc::new(Rendezvous::new(2));
    let (popped_tx, popped_rx) = mpsc::channel();
    let consumer = {
        let (buffer, both_ready) = (Arc::clone(&buffer), Arc::clone(&both_ready));
        thread::spawn(move || {
            both_ready
                .wait(DEADLINE)
                .expect("the test thread never reached the rendezvous");
            let _ = popped_tx.send(buffer.pop());
        })
    };
    both_ready
        .wait(DEADLINE)
        .expect("the consumer thread never reached the rendezvous");
    assert!(
        popped_rx.try_recv().is_err(),
        "pop() returned although nothing had been pushed: it must wait on `not_empty`"
    );
    buffer.push(42);
    let popped = popped_rx.recv_timeout(DEADLINE).expect(
        "deadlock: pop() was still waiting after push() stored an item; \
         does push() notify the Condvar that pop() waits on (`not_empty`)?",
    );
    assert_eq!(popped, 42, "pop() should return the item that was pushed");
    consumer
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

#[test]
fn many_producers_and_consumers_deliver_every_item_exactly_once() {
    const PRODUCERS: usize = 4;
    const CONSUMERS: usize = 4;
    const PER_PRODUCER: usize = 2_000;
    const TOTAL: usize = PRODUCERS * PER_PRODUCER;
    let received: Vec<Vec<(usize, usize)>> = within(
        DEADLINE,
        "4 producers and 4 consumers sharing a buffer of 3",
        "deadlock: producers or consumers never finished; does every push() notify \
         `not_empty` and every pop() notify `not_full`? is each wait in a `while` loop?",
        || {
            let buffer = Arc::new(BoundedBuffer::new(3));
            let producers: Vec<_> = (0..PRODUCERS)
                .map(|producer| {
                    let buffer = Arc::clone(&buffer);
                    thread::spawn(move || {
                        for seq in 0..PER_PRODUCER {
                            buffer.push((producer, seq));
                        }
                    })
                })
                .collect();
            // Each consumer pops its share: as many pops as pushes in all.
            let consumers: Vec<_> = (0..CONSUMERS)
                .map(|_| {
                    let buffer = Arc::clone(&buffer);
                    thread::spawn(move || {
                        (0..TOTAL / CONSUMERS)
                            .map(|_| buffer.pop())
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for p in producers {
                p.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            }
            let received = consumers.into_iter().map(|c| {
                c.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            });
            let received: Vec<_> = received.collect();
            assert!(
                buffer.is_empty(),
                "every item was popped, but the buffer is not empty"
            );
            received
        },
    );
    for (consumer, items) in received.iter().enumerate() {
        for producer in 0..PRODUCERS {
            let from_producer: Vec<usize> = items
                .iter()
                .filter(|(p, _)| *p == producer)
                .map(|&(_, s)| s)
                .collect();
            assert!(
                from_producer.windows(2).all(|w| w[0] < w[1]),
                "consumer {consumer} got producer {producer}'s items out of order: \
                 the buffer must be first-in first-out (push_back, pop_front)"
            );
        }
    }
    let mut all: Vec<(usize, usize)> = received.into_iter().flatten().collect();
    all.sort_unstable();
    let expected: Vec<(usize, usize)> = (0..PRODUCERS)
        .flat_map(|p| (0..PER_PRODUCER).map(move |s| (p, s)))
        .collect();
    if all != expected {
        let duplicated = all.windows(2).filter(|w| w[0] == w[1]).count();
        panic!(
            "{TOTAL} items were pushed and {} popped, {duplicated} of them twice: every \
             item must come out exactly once (pop must remove what it returns)",
            all.len()
        );
    }
}
