//! Tests of the `bounded_buffer` exercise:
//! `cargo test -p locks --test bounded_buffer`.
//!
//! Most tests go step by step: a producer or consumer is started, the test
//! waits until the kernel reports it asleep in `push()` or `pop()` (see
//! `testkit::watch`), then changes one thing and checks what the sleeper did.
//!
//! No call into the buffer runs on a test's own thread without a deadline:
//! `push`/`pop` that must wait run on watched threads, and every call that
//! must not wait runs under `without_blocking` ([`promptly`]), which fails at
//! once, naming the clause, if the call goes to sleep or spins. The first
//! line of every failure names the clause of the contract it breaks
//! (`exercises/02-locks/course.toml`).

use locks::exercises::bounded_buffer::BoundedBuffer;
use std::sync::Arc;
use testkit::panics::catch_quietly;
use testkit::task::Sample;
use testkit::watch::{Waiting, Watched, join_all_or_stuck, spawn_watched, without_blocking};
use testkit::{DEADLINE, within};

/// Runs a call into the buffer that must not wait (the buffer is neither
/// full for a push nor empty for a pop) on a watched thread: if it goes to
/// sleep or spins, the test fails at once with `complaint`.
fn promptly<T: Send + 'static>(complaint: &str, call: impl FnOnce() -> T + Send + 'static) -> T {
    without_blocking(complaint, call)
}

/// What [`promptly`] says when a call that had no reason to wait waited.
const NEEDLESS_WAIT: &str = "clause 3 (push waits only while full, pop only while empty): a \
                             call went to sleep (or spun) although the buffer was neither full \
                             for a push nor empty for a pop: check the conditions of the \
                             `while` loops";

/// Waits until `thread` is blocked in `call` (`"push()"` or `"pop()"`), or
/// fails with what it did instead; `state` says why it should wait.
fn blocked_in<T>(thread: &Watched<T>, call: &str, state: &str) -> Sample {
    match thread.until_blocked() {
        Waiting::Blocked(sample) => sample,
        Waiting::Returned => panic!(
            "clause 3 (push waits while full, pop while empty): {call} returned (or panicked) \
             although {state}: it must wait until that changes"
        ),
        Waiting::Spinning(cpu) => panic!(
            "clause 3 (a waiting push or pop sleeps): busy-wait: a thread waiting in {call} used {cpu:?} of CPU while {state}. Wait on a \
             Condvar (it sleeps until notified) instead of looping"
        ),
        Waiting::Polling(wakeups) => panic!(
            "clause 3 (a waiting push or pop sleeps): busy-wait: a thread waiting in {call} polls while {state}: it sleeps for a while \
             (thread::sleep, or a short timeout) and looks again ({wakeups} wakeups so far). \
             However long the sleep, nobody can wake it when that changes: wait on a \
             Condvar that the other side notifies"
        ),
        Waiting::NeverSlept(cpu) => panic!(
            "clause 3 (a waiting push or pop sleeps): busy-wait: a thread calling {call} while \
             {state} never went to sleep (it used {cpu:?} of CPU, yielding or spinning): it must \
             block on a Condvar"
        ),
    }
}

/// Joins a thread that has what it waited for: it must end.
fn expect_done<T>(thread: Watched<T>, who: &str) -> T {
    match join_all_or_stuck(vec![thread]) {
        Ok(mut outcomes) => match outcomes.pop() {
            Some(Ok(value)) => value,
            Some(Err(message)) => {
                panic!("clause 3 (push and pop wait, then go on): {who} panicked: {message}")
            }
            None => unreachable!("one thread, one outcome"),
        },
        Err(_) => panic!(
            "clause 3 (each side wakes the other): lost wakeup: {who} sleeps on although what it waited for is there. push() must \
             notify the Condvar consumers wait on (`not_empty`), pop() the one producers wait \
             on (`not_full`)"
        ),
    }
}

#[test]
fn items_come_out_in_the_order_they_went_in() {
    let complaint = NEEDLESS_WAIT;
    without_blocking(complaint, || {
        let buffer = BoundedBuffer::new(4);
        assert_eq!(
            buffer.capacity(),
            4,
            "clause 1 (capacity, len, first in first out): capacity() should return what new() \
             was given"
        );
        assert!(
            buffer.is_empty(),
            "clause 1 (capacity, len, first in first out): a new buffer should be empty"
        );
        for item in ["first", "second", "third"] {
            buffer.push(item);
        }
        assert_eq!(
            buffer.len(),
            3,
            "clause 1 (capacity, len, first in first out): 3 items were pushed and none popped"
        );
        let popped = [buffer.pop(), buffer.pop(), buffer.pop()];
        assert_eq!(
            popped,
            ["first", "second", "third"],
            "clause 1 (capacity, len, first in first out): a bounded buffer is first-in \
             first-out: push at the back, pop at the front"
        );
        assert!(
            buffer.is_empty(),
            "clause 1 (capacity, len, first in first out): every item was popped, the buffer \
             should be empty"
        );
    });
}

#[test]
fn try_push_gives_the_item_back_when_full() {
    let complaint = "clause 5 (try_push never waits): try_push() went to sleep: it must never \
                     wait, when the buffer is full it \
                     returns Err(item) at once";
    without_blocking(complaint, || {
        let buffer = BoundedBuffer::new(2);
        assert_eq!(
            buffer.try_push(1),
            Ok(()),
            "clause 5 (try_push appends when there is room): try_push() into an empty buffer of \
             2 failed"
        );
        assert_eq!(
            buffer.try_push(2),
            Ok(()),
            "clause 5 (try_push appends when there is room): try_push() into a buffer with 1 of \
             2 failed"
        );
        assert_eq!(
            buffer.try_push(3),
            Err(3),
            "clause 5 (try_push gives the item back when full): the buffer holds 2 of 2 items: \
             try_push(3) must give the item back as Err(3), \
             leaving the buffer as it was"
        );
        assert_eq!(
            [buffer.len(), buffer.pop()],
            [2, 1],
            "clause 5 (try_push gives the item back when full): a refused try_push must not \
             change the buffer: 2 items, the oldest first"
        );
        assert_eq!(
            buffer.try_push(3),
            Ok(()),
            "clause 5 (try_push appends when there is room): pop() made room, but try_push() \
             still failed"
        );
        assert_eq!(
            [buffer.pop(), buffer.pop()],
            [2, 3],
            "clause 1 (capacity, len, first in first out): items should come out in FIFO order"
        );
    });
}

#[test]
fn a_capacity_of_zero_is_refused() {
    let complaint = "clause 2 (a capacity of 0 is refused): BoundedBuffer::new(0) went to sleep";
    match promptly(complaint, || {
        catch_quietly(|| BoundedBuffer::<u8>::new(0)).map(drop)
    }) {
        Ok(_) => panic!(
            "clause 2 (a capacity of 0 is refused): BoundedBuffer::new(0) returned a buffer, but \
             nothing could ever be pushed into it: \
             panic with a message that contains \"capacity of at least 1\""
        ),
        Err(message) => assert!(
            message.contains("capacity of at least 1"),
            "clause 2 (a capacity of 0 is refused): BoundedBuffer::new(0) panicked with \
             {message:?}; the message should contain \
             \"capacity of at least 1\""
        ),
    }
}

#[test]
fn a_push_into_a_full_buffer_sleeps_until_a_pop_wakes_it() {
    let buffer = Arc::new(BoundedBuffer::new(1));
    let b = Arc::clone(&buffer);
    promptly(NEEDLESS_WAIT, move || b.push("already there"));
    let producer = {
        let buffer = Arc::clone(&buffer);
        spawn_watched("producer", move || buffer.push("waited for room"))
    };
    let blocked = blocked_in(&producer, "push()", "the buffer (capacity 1) was full");
    let b = Arc::clone(&buffer);
    let popped = promptly(NEEDLESS_WAIT, move || b.pop());
    assert_eq!(
        popped, "already there",
        "clause 1 (first in first out): pop() should return the oldest item"
    );
    assert!(
        producer.woken_since(blocked),
        "clause 3 (a pop wakes a waiting push): lost wakeup: pop() did not wake the producer: it made room while a thread slept in \
         push(). pop() must notify the Condvar that push() waits on (`not_full`)"
    );
    expect_done(producer, "the waiting push()");
    let b = Arc::clone(&buffer);
    let popped = promptly(NEEDLESS_WAIT, move || b.pop());
    assert_eq!(
        popped, "waited for room",
        "clause 3 (push waits while full, then stores its item): the waiting push() should \
         have stored its item"
    );
}

#[test]
fn a_pop_from_an_empty_buffer_sleeps_until_a_push_wakes_it() {
    let buffer = Arc::new(BoundedBuffer::new(2));
    let consumer = {
        let buffer = Arc::clone(&buffer);
        spawn_watched("consumer", move || buffer.pop())
    };
    let blocked = blocked_in(&consumer, "pop()", "the buffer was empty");
    let b = Arc::clone(&buffer);
    promptly(NEEDLESS_WAIT, move || b.push(42));
    assert!(
        consumer.woken_since(blocked),
        "clause 3 (a push wakes a waiting pop): lost wakeup: push() did not wake the consumer: it stored an item while a thread \
         slept in pop(). push() must notify the Condvar that pop() waits on (`not_empty`)"
    );
    let popped = expect_done(consumer, "the waiting pop()");
    assert_eq!(
        popped, 42,
        "clause 3 (pop waits while empty, then takes the item): pop() should return the item \
         that was pushed"
    );
}

/// `if` instead of `while` in `pop`: a thief pushes an item and pops it
/// straight back, before the consumer it woke can run. The consumer must
/// find the buffer empty and go back to sleep.
#[test]
fn a_consumer_whose_item_was_taken_first_waits_again() {
    const STEALS: usize = 3;
    const ROUNDS: usize = 20;
    let mut steals = 0;
    for _ in 0..ROUNDS {
        let buffer = Arc::new(BoundedBuffer::new(1));
        let consumer = {
            let buffer = Arc::clone(&buffer);
            spawn_watched("consumer", move || buffer.pop())
        };
        blocked_in(&consumer, "pop()", "the buffer was empty");
        let thief = {
            let buffer = Arc::clone(&buffer);
            spawn_watched("thief", move || {
                buffer.push("stolen"); // wakes the consumer...
                buffer.pop() // ...and takes the item back before it runs
            })
        };
        // Either the thief or the consumer ends with "stolen"; then the other
        // one waits for an item that the test pushes.
        loop {
            if thief.finished() {
                steals += 1;
                if let Waiting::Returned = consumer.until_blocked() {
                    let how = match consumer.join_within(DEADLINE) {
                        Some(Err(message)) => format!("it panicked: {message}"),
                        Some(Ok(item)) => format!("it returned {item:?}, an item it never had"),
                        None => unreachable!("the consumer had returned"),
                    };
                    panic!(
                        "clause 4 (a woken waiter checks again): pop() woke up with the buffer \
                         empty and went on anyway ({how}): the \
                         test pushed an item and took it back before the woken consumer ran. \
                         A wakeup is only a hint: check again after `wait` returns (`while`, \
                         not `if`)"
                    );
                }
                let b = Arc::clone(&buffer);
                promptly(NEEDLESS_WAIT, move || b.push("for the consumer"));
                expect_done(consumer, "the waiting pop()");
                expect_done(thief, "the thief");
                break;
            }
            if consumer.finished() {
                // The consumer ran first and got the item: nothing to see.
                let b = Arc::clone(&buffer);
                promptly(NEEDLESS_WAIT, move || b.push("for the thief"));
                expect_done(consumer, "the waiting pop()");
                expect_done(thief, "the thief");
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1)); // polling two joins
        }
        if steals == STEALS {
            break;
        }
    }
}

/// `if` instead of `while` in `push`: the test pops to make room and fills
/// the slot again with `try_push` before the woken producer runs. The
/// producer must find the buffer full and go back to sleep.
#[test]
fn a_producer_whose_slot_was_taken_first_waits_again() {
    const STEALS: usize = 3;
    const ROUNDS: usize = 20;
    let mut steals = 0;
    for _ in 0..ROUNDS {
        let buffer = Arc::new(BoundedBuffer::new(1));
        let b = Arc::clone(&buffer);
        promptly(NEEDLESS_WAIT, move || b.push("first"));
        let producer = {
            let buffer = Arc::clone(&buffer);
            spawn_watched("producer", move || buffer.push("from the producer"))
        };
        blocked_in(&producer, "push()", "the buffer (capacity 1) was full");
        // Pop and fill the slot again at once, before the woken producer
        // runs: one call on one thread, with a deadline.
        let b = Arc::clone(&buffer);
        let (popped, stolen) = promptly(NEEDLESS_WAIT, move || {
            let popped = b.pop();
            (popped, b.try_push("stolen slot"))
        });
        assert_eq!(
            popped, "first",
            "clause 1 (first in first out): pop() should return the oldest item"
        );
        if stolen.is_err() {
            // The producer ran first and filled the slot: nothing to see.
            expect_done(producer, "the waiting push()");
            continue;
        }
        steals += 1;
        if let Waiting::Returned = producer.until_blocked() {
            let b = Arc::clone(&buffer);
            let len = promptly(NEEDLESS_WAIT, move || b.len());
            if len <= 1 {
                panic!(
                    "clause 5 (try_push gives the item back when full): try_push() stored an \
                     item in a full buffer (capacity 1, the producer's item \
                     was already in it) and returned Ok: it must give the item back as \
                     Err(item) when the buffer is full, and leave the buffer as it was"
                );
            }
            panic!(
                "clause 4 (a woken waiter checks again): push() woke up with the buffer full and \
                 went on anyway: the buffer of capacity \
                 1 now holds {len} items. The test popped an item and filled the slot again \
                 before the woken producer ran. A wakeup is only a hint: check again after \
                 `wait` returns (`while`, not `if`)"
            );
        }
        let b = Arc::clone(&buffer);
        let popped = promptly(NEEDLESS_WAIT, move || b.pop());
        assert_eq!(
            popped, "stolen slot",
            "clause 1 (first in first out): the item in the buffer was the test's"
        );
        expect_done(producer, "the waiting push()");
        if steals == STEALS {
            break;
        }
    }
}

/// One Condvar for producers and consumers, with `notify_one`: the one
/// notification a producer needs can go to a consumer instead.
///
/// Capacity 1. Two consumers wait on the empty buffer. A producer pushes A
/// (waking the first consumer) and at once pushes B: the buffer is still
/// full, so it waits, behind the second consumer. The first consumer pops A
/// and notifies once: with a single Condvar, the oldest waiter, the second
/// consumer, gets that wakeup, finds nothing and sleeps again; the producer
/// is never told that there is room.
#[test]
fn a_pop_wakes_a_waiting_producer_even_when_consumers_wait_too() {
    const ROUNDS: usize = 5;
    for _ in 0..ROUNDS {
        let buffer = Arc::new(BoundedBuffer::new(1));
        let consumer = |name: &str| {
            let buffer = Arc::clone(&buffer);
            spawn_watched(name, move || buffer.pop())
        };
        let first = consumer("first consumer");
        blocked_in(&first, "pop()", "the buffer was empty");
        let second = consumer("second consumer");
        blocked_in(&second, "pop()", "the buffer was empty");
        let producer = {
            let buffer = Arc::clone(&buffer);
            spawn_watched("producer", move || {
                buffer.push("A");
                buffer.push("B");
                "done"
            })
        };
        match join_all_or_stuck(vec![first, second, producer]) {
            Err(stuck) => panic!(
                "clause 3 (a pop wakes a waiting push, also when consumers wait too): lost \
                 wakeup: {stuck} threads sleep forever. Two consumers waited on an empty \
                 buffer of capacity 1; a producer pushed two items, the second one into a full \
                 buffer. A pop() made room, but the waiting producer was never woken. With one \
                 Condvar for both kinds of waiter, notify_one can wake the other consumer \
                 instead: use one Condvar per reason to wait (`not_full`, `not_empty`), and \
                 make pop() notify `not_full`"
            ),
            Ok(outcomes) => {
                if let Some(Err(message)) = outcomes.into_iter().find(Result::is_err) {
                    panic!(
                        "clause 3 (push and pop wait, then go on): a producer or consumer \
                         panicked: {message}"
                    );
                }
            }
        }
        let b = Arc::clone(&buffer);
        assert!(
            promptly(NEEDLESS_WAIT, move || b.is_empty()),
            "clause 1 (len): two items pushed and two popped, but the buffer is not empty"
        );
    }
}

#[test]
fn many_producers_and_consumers_deliver_every_item_exactly_once() {
    const PRODUCERS: usize = 4;
    const CONSUMERS: usize = 4;
    const PER_PRODUCER: usize = 2_000;
    const TOTAL: usize = PRODUCERS * PER_PRODUCER;
    let received: Vec<Vec<(usize, usize)>> = within(
        DEADLINE,
        "clause 3 (each side wakes the other): 4 producers and 4 consumers sharing a buffer of 3",
        "producers or consumers never finished",
        || {
            let buffer = Arc::new(BoundedBuffer::new(3));
            let producers = (0..PRODUCERS).map(|producer| {
                let buffer = Arc::clone(&buffer);
                spawn_watched("producer", move || {
                    for seq in 0..PER_PRODUCER {
                        buffer.push((producer, seq));
                    }
                    Vec::new()
                })
            });
            // Each consumer pops its share: as many pops as pushes in all.
            let consumers = (0..CONSUMERS).map(|_| {
                let buffer = Arc::clone(&buffer);
                spawn_watched("consumer", move || {
                    (0..TOTAL / CONSUMERS)
                        .map(|_| buffer.pop())
                        .collect::<Vec<_>>()
                })
            });
            let everyone = producers.chain(consumers).collect();
            let outcomes = join_all_or_stuck(everyone).unwrap_or_else(|stuck| {
                panic!(
                    "clause 3 (each side wakes the other): lost wakeup: {stuck} producers and \
                     consumers sleep and nobody wakes them. \
                     Does every push() notify `not_empty` and every pop() notify `not_full`?"
                )
            });
            let received: Vec<_> = outcomes
                .into_iter()
                .map(|outcome| {
                    outcome.unwrap_or_else(|message| {
                        panic!(
                            "clause 3 (push and pop wait, then go on): a producer or consumer \
                             panicked: {message}"
                        )
                    })
                })
                .filter(|items| !items.is_empty())
                .collect();
            assert!(
                buffer.is_empty(),
                "clause 1 (len): every item was popped, but the buffer is not empty"
            );
            received
        },
    );
    let mut all: Vec<(usize, usize)> = received.iter().flatten().copied().collect();
    assert_eq!(
        all.len(),
        TOTAL,
        "clause 1 (first in first out): as many items popped as pushed"
    );
    for (consumer, items) in received.iter().enumerate() {
        for producer in 0..PRODUCERS {
            let from_producer: Vec<usize> = items
                .iter()
                .filter(|(p, _)| *p == producer)
                .map(|(_, seq)| *seq)
                .collect();
            assert!(
                from_producer.windows(2).all(|w| w[0] < w[1]),
                "clause 1 (first in first out): consumer {consumer} got producer {producer}'s \
                 items out of order: the buffer \
                 must be first-in first-out"
            );
        }
    }
    all.sort_unstable();
    all.dedup();
    assert_eq!(
        all.len(),
        TOTAL,
        "clause 1 (first in first out): some items were delivered twice and others never"
    );
}
