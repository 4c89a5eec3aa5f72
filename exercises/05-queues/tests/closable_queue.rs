//! Tests of the `closable_queue` exercise.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::thread;

use queues::exercises::closable_queue::{ClosableQueue, Closed};
use testkit::{DEADLINE, Rendezvous};

#[test]
fn items_come_out_in_the_order_they_went_in() {
    let queue = ClosableQueue::new();
    for n in 0..5 {
        queue.push(n).unwrap();
    }
    let out: Vec<i32> = (0..5).map(|_| queue.pop().unwrap()).collect();
    assert_eq!(out, vec![0, 1, 2, 3, 4]);
}

#[test]
fn a_closed_queue_refuses_pushes_but_delivers_what_it_holds() {
    let queue = ClosableQueue::new();
    queue.push("first").unwrap();
    queue.push("second").unwrap();
    queue.close();
    assert_eq!(
        queue.push("late"),
        Err(Closed("late")),
        "push after close must give the item back"
    );
    assert_eq!(
        queue.pop(),
        Some("first"),
        "items pushed before close are still delivered"
    );
    assert_eq!(queue.pop(), Some("second"));
    assert_eq!(
        queue.pop(),
        None,
        "closed and empty: pop must return None, not block"
    );
}

#[test]
fn close_wakes_every_consumer_waiting_in_pop() {
    const CONSUMERS: usize = 4;
    let queue = Arc::new(ClosableQueue::<u32>::new());
    let started = Arc::new(Rendezvous::new(CONSUMERS + 1));
    let consumers: Vec<_> = (0..CONSUMERS)
        .map(|_| {
            let (queue, started) = (Arc::clone(&queue), Arc::clone(&started));
            thread::spawn(move || {
                started.wait(DEADLINE).expect("not every consumer started");
                queue.pop()
            })
        })
        .collect();
    started.wait(DEADLINE).expect("not every consumer started");
    let q = Arc::clone(&queue);
    let consumers = testkit::within(
        DEADLINE,
        "waiting for the consumers to block in pop",
        "waiting() never reached 4: does pop count itself in `waiting` before waiting on the Condvar?",
        move || {
            while q.waiting() < CONSUMERS {
                // A consumer that is not waiting may have returned or panicked
                // (a todo!, say): report that instead of waiting for nothing.
                if let Some(done) = consumers.iter().position(|c| c.is_finished()) {
                    let outcome = consumers.into_iter().nth(done).unwrap().join();
                    match outcome {
                        Ok(value) => panic!(
                            "pop returned {value:?} on an empty, open queue: it must wait until an item comes or the queue is closed"
                        ),
                        Err(panic) => std::panic::resume_unwind(panic),
                    }
                }
                thread::yield_now();
            }
            consumers
        },
    );
    queue.close();
    let results = testkit::within(
        DEADLINE,
        "the consumers after close",
        "close woke only some of the consumers: use notify_all, every sleeper must see the flag",
        move || {
            consumers
                .into_iter()
                .map(|c| c.join().unwrap())
                .collect::<Vec<_>>()
        },
    );
    assert_eq!(
        results,
        vec![None; CONSUMERS],
        "every consumer of an empty closed queue gets None"
    );
    assert_eq!(queue.waiting(), 0, "nobody is waiting any more");
}

#[test]
fn many_producers_and_consumers_move_every_item_exactly_once() {
    let queue = Arc::new(ClosableQueue::<u32>::new());
    let taken = testkit::within(
        DEADLINE,
        "4 producers and 4 consumers",
        "deadlock: a consumer never returned None after close",
        move || {
            let consumers: Vec<_> = (0..4)
                .map(|_| {
                    let queue = Arc::clone(&queue);
                    thread::spawn(move || {
                        let mut mine = Vec::new();
                        while let Some(n) = queue.pop() {
                            mine.push(n);
                        }
                        mine
                    })
                })
                .collect();
            let producers: Vec<_> = (0..4u32)
                .map(|p| {
                    let queue = Arc::clone(&queue);
                    thread::spawn(move || {
                        for n in p * 1000..(p + 1) * 1000 {
                            queue.push(n).expect("the queue is still open");
                        }
                    })
                })
                .collect();
            for p in producers {
                p.join().unwrap();
            }
            queue.close();
            consumers
                .into_iter()
                .flat_map(|c| c.join().unwrap())
                .collect::<Vec<u32>>()
        },
    );
    let distinct: BTreeSet<u32> = taken.iter().copied().collect();
    assert_eq!(taken.len(), distinct.len(), "some item was taken twice");
    assert_eq!(distinct, (0..4000).collect(), "some item was lost");
}
