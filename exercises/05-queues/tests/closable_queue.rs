//! Tests of the `closable_queue` exercise.
//!
//! Deadlines: every step a correct queue takes here is a lock, a push and a
//! wake-up, done in microseconds; [`STUCK`] (4 s) tells "never" from "slow"
//! on a loaded machine, and keeps a wrong solution's whole run under 10 s.

use testkit::stuck as support;

use std::collections::BTreeSet;
use std::sync::{Arc, mpsc};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use queues::exercises::closable_queue::{ClosableQueue, Closed};
use support::STUCK;
use testkit::Rendezvous;
use testkit::watch::{Waiting, spawn_watched};

/// Waits until `count` consumers are blocked in `pop`; fails at once, with
/// the reason, if one of `consumers` returns or panics instead.
fn wait_until_waiting<R: std::fmt::Debug + Send + 'static>(
    queue: &Arc<ClosableQueue<u32>>,
    count: usize,
    consumers: Vec<JoinHandle<R>>,
) -> Vec<JoinHandle<R>> {
    let queue = Arc::clone(queue);
    support::within(
        STUCK,
        "waiting for the consumers to block in pop",
        &format!(
            "clause 6 (pop sleeps, counted in `waiting`): waiting() never reached {count}: does pop count itself in `waiting` before waiting on the Condvar?"
        ),
        move || {
            while queue.waiting() < count {
                if let Some(done) = consumers.iter().position(|c| c.is_finished()) {
                    let outcome = consumers.into_iter().nth(done).unwrap().join();
                    match outcome {
                        Ok(value) => panic!(
                            "clause 6 (pop waits on an empty, open queue): pop returned {value:?} on an empty, open queue: it must wait until an item comes or the queue is closed"
                        ),
                        Err(panic) => std::panic::resume_unwind(panic),
                    }
                }
                thread::yield_now();
            }
            consumers
        },
    )
}

#[test]
fn items_come_out_in_the_order_they_went_in() {
    let out = support::within(
        STUCK,
        "5 pushes then 5 pops",
        "clause 1 (first in, first out): pop blocked although the queue held items",
        || {
            let queue = ClosableQueue::new();
            for n in 0..5 {
                queue.push(n).unwrap();
            }
            (0..5).map(|_| queue.pop()).collect::<Vec<_>>()
        },
    );
    assert_eq!(
        out,
        [0, 1, 2, 3, 4].map(Some),
        "clause 1 (first in, first out): push_back and pop_front"
    );
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
        "clause 2 (a closed queue refuses pushes, delivers what it holds, then None): push after close must give the item back in Err(Closed(item)), and not queue it"
    );
    let rest = support::within(
        STUCK,
        "popping a closed queue",
        "clause 2 (a closed queue refuses pushes, delivers what it holds, then None): pop blocked on a closed queue: a closed, empty queue must return None at once",
        move || (queue.pop(), queue.pop(), queue.pop()),
    );
    assert_eq!(
        rest,
        (Some("first"), Some("second"), None),
        "clause 2 (a closed queue refuses pushes, delivers what it holds, then None): a closed queue must still deliver the items it holds, then say None: \
         look for an item before looking at `closed`"
    );
}

#[test]
fn a_push_wakes_a_consumer_waiting_in_pop() {
    let queue = Arc::new(ClosableQueue::<u32>::new());
    let consumer = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || queue.pop())
    };
    let mut consumers = wait_until_waiting(&queue, 1, vec![consumer]);
    queue.push(42).unwrap();
    let consumer = consumers.pop().unwrap();
    let got = support::within(
        STUCK,
        "a consumer after a push",
        "clause 3 (a push wakes a consumer waiting in pop): push did not wake the consumer waiting in pop: notify the Condvar after adding the item",
        move || consumer.join().unwrap(),
    );
    assert_eq!(
        got,
        Some(42),
        "clause 3 (a push wakes a consumer waiting in pop): the waiting consumer takes the pushed item"
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
                started
                    .wait(STUCK)
                    .expect("clause 4 (close wakes every consumer): not every consumer started");
                queue.pop()
            })
        })
        .collect();
    started
        .wait(STUCK)
        .expect("clause 4 (close wakes every consumer): not every consumer started");
    let consumers = wait_until_waiting(&queue, CONSUMERS, consumers);
    queue.close();
    let results = support::within(
        STUCK,
        "the consumers after close",
        "clause 4 (close wakes every consumer): close woke only some of the consumers: use notify_all, every sleeper must see the flag",
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
        "clause 4 (close wakes every consumer): every consumer of an empty closed queue gets None"
    );
    assert_eq!(
        queue.waiting(),
        0,
        "clause 6 (`waiting` counts the consumers asleep in pop): nobody is waiting any more"
    );
}

/// The item a consumer that won the race pushes, so that the test's own
/// `pop` does not wait for ever.
const RELEASE: u32 = 99;

#[test]
fn a_consumer_whose_item_was_taken_first_waits_again() {
    // Each round: a consumer waits in pop; the test pushes an item and at
    // once takes it itself, before the woken consumer has run (it must first
    // be scheduled, then get the lock). The consumer wakes to an empty, open
    // queue, and must go back to waiting. A round where the consumer was
    // faster proves nothing and is played again.
    const ROUNDS: usize = 8;
    let grace = Duration::from_millis(200);
    let mut stolen = 0;
    for _ in 0..ROUNDS {
        let queue = Arc::new(ClosableQueue::<u32>::new());
        let (report, result) = mpsc::channel();
        let consumer = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                let got = queue.pop();
                if got == Some(1) {
                    let _ = queue.push(RELEASE); // we won: let the test's pop end
                }
                let _ = report.send(got);
            })
        };
        let consumer = wait_until_waiting(&queue, 1, vec![consumer]);
        queue.push(1).unwrap();
        let mine = queue.pop(); // the theft
        if mine == Some(RELEASE) {
            consumer.into_iter().for_each(|c| c.join().unwrap());
            continue; // the consumer got there first this time
        }
        assert_eq!(
            mine,
            Some(1),
            "clause 1 (first in, first out): the test pushed 1 and popped it at once"
        );
        stolen += 1;
        match result.recv_timeout(grace) {
            Ok(None) => panic!(
                "clause 5 (pop waits again when its item was taken first): pop returned None although the queue was open: its item was taken by another \
                 thread before it woke up. After waking, pop must look again (a `while` loop \
                 around the wait, not an `if`)"
            ),
            Ok(Some(n)) => panic!(
                "clause 5 (pop waits again when its item was taken first): pop returned {n}, which was already taken"
            ),
            Err(_) => {} // still waiting, as it should
        }
        queue.push(3).unwrap();
        let got = result.recv_timeout(STUCK);
        assert_eq!(
            got,
            Ok(Some(3)),
            "clause 5 (pop waits again when its item was taken first): the consumer, waiting again, must take the next item"
        );
        consumer.into_iter().for_each(|c| c.join().unwrap());
    }
    // Almost always every round steals; a run where none did proves nothing
    // either way, and says so.
    if stolen == 0 {
        eprintln!("note: the consumer won every race; the theft was never tried");
    }
}

#[test]
fn a_consumer_waiting_in_pop_sleeps_until_notified() {
    // The consumer waits on an empty queue on a thread the test watches
    // through /proc; the item comes only once the test has seen how it
    // waits. Blocked on the Condvar, it sleeps in futex(2) until notified.
    // Polling uses CPU (a loop with `yield_now`) or sleeps in nanosleep(2)
    // (a loop with `thread::sleep`), and the kernel shows which.
    let queue = Arc::new(ClosableQueue::<u32>::new());
    let consumer = {
        let queue = Arc::clone(&queue);
        spawn_watched("consumer", move || queue.pop())
    };
    let waiting = consumer.until_blocked();
    queue.push(5).unwrap(); // whatever it did: so that a polling consumer ends too
    let got = consumer.join_within(STUCK);
    let advice = "Wait on the Condvar (`changed.wait(guard)`), which sleeps until notified, \
                  instead of looking at the queue again and again";
    match waiting {
        Waiting::Blocked(_) => {}
        Waiting::Spinning(cpu) => panic!(
            "clause 6 (pop sleeps until notified): busy-waiting: the consumer used {cpu:?} of CPU while it waited in pop on an empty \
             queue. {advice}"
        ),
        Waiting::Polling(wakeups) => panic!(
            "clause 6 (pop sleeps until notified): pop polls: the consumer slept in thread::sleep (or woke up {wakeups} times) while \
             the queue stayed empty, and looked again. However short the sleep, a push cannot \
             wake it, and every idle consumer wakes up for nothing. {advice}"
        ),
        Waiting::NeverSlept(cpu) => panic!(
            "clause 6 (pop sleeps until notified): the consumer never went to sleep in pop on an empty queue (it used {cpu:?} of \
             CPU). {advice}"
        ),
        Waiting::Returned => match got {
            Some(Err(message)) => panic!(
                "clause 6 (pop sleeps until notified): pop panicked on an empty queue: {message}"
            ),
            _ => panic!(
                "clause 6 (pop sleeps until notified): pop returned on an empty, open queue: it must wait until an item comes or \
                 the queue is closed"
            ),
        },
    }
    match got {
        Some(Ok(got)) => assert_eq!(
            got,
            Some(5),
            "clause 3 (a push wakes a consumer waiting in pop): the waiting consumer takes the pushed item"
        ),
        Some(Err(message)) => {
            panic!("clause 6 (pop sleeps until notified): pop panicked: {message}")
        }
        None => panic!(
            "clause 3 (a push wakes a consumer waiting in pop): push did not wake the consumer waiting in pop within {STUCK:?}: notify the \
             Condvar after adding the item"
        ),
    }
}

#[test]
fn many_producers_and_consumers_move_every_item_exactly_once() {
    let queue = Arc::new(ClosableQueue::<u32>::new());
    let taken = support::within(
        STUCK,
        "4 producers and 4 consumers",
        "clause 7 (many producers and consumers: every item exactly once, then the end): deadlock: a consumer never returned None after close",
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
                            queue.push(n).expect(
                                "clause 7 (every item exactly once): push failed on an open queue",
                            );
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
    assert_eq!(
        taken.len(),
        distinct.len(),
        "clause 7 (every item exactly once): some item was taken twice"
    );
    assert_eq!(
        distinct,
        (0..4000).collect(),
        "clause 7 (every item exactly once): some item was lost"
    );
}
