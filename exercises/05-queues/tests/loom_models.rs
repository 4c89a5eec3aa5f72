//! Model checks of YOUR closable queue with loom, which runs a small program
//! under every interleaving of its threads that matters (up to a bound on
//! preemptions), so a lost wake-up that a normal test hits only by luck is
//! found every time.
//!
//! It needs the crate built with loom's `Mutex` and `Condvar` (`src/sync.rs`
//! switches to them under the `queues_loom` cfg), in a target directory of
//! its own:
//!
//! ```text
//! RUSTFLAGS="--cfg queues_loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test --release -p queues --test loom_models
//! ```
//!
//! (`-p queues-solution` checks the solution with this very file.) Without
//! the cfg this file is empty.
#![cfg(queues_loom)]

use loom::sync::Arc;
use loom::thread;
use queues::exercises::closable_queue::ClosableQueue;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    /// The clause and scenario of the model running on this thread, said
    /// once when something fails (loom runs a model's threads on the test's
    /// thread).
    static SCENARIO: Cell<Option<(&'static str, &'static str)>> = const { Cell::new(None) };
}

/// Runs `model` under loom; if some interleaving fails, fails with the
/// clause it breaks, `scenario` (the interleaving that usually breaks it, in
/// words) and what loom saw ("deadlock" when every thread sleeps and nobody
/// can wake them).
fn check(clause: &'static str, scenario: &'static str, model: impl Fn() + Sync + Send + 'static) {
    // When loom finds a deadlock it panics, and its clean-up can abort the
    // process before `catch_unwind` below returns: so the clause and the
    // scenario are also printed by a panic hook, ahead of the first panic
    // message.
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Some((clause, scenario)) = SCENARIO.with(|s| s.take()) {
                eprintln!("{clause}: loom found an interleaving that fails.\n{scenario}\n");
            }
            default(info);
        }));
    });
    SCENARIO.with(|s| s.set(Some((clause, scenario))));
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| builder.check(model))) {
        let seen = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("a panic");
        panic!(
            "{clause}: loom found an interleaving that fails.\n{scenario}\nWhat loom saw: {seen}"
        );
    }
    SCENARIO.with(|s| s.set(None));
}

#[test]
fn a_push_reaches_a_consumer_however_the_threads_interleave() {
    check(
        "clause 3 (a push wakes a consumer waiting in pop)",
        "One consumer pops twice; the main thread pushes 1, then closes. The consumer must \
         get Some(1) then None. A push that notifies nobody, or a pop that looks at the \
         queue in one lock section and waits in another (the push falls in between), \
         leaves the consumer asleep next to the item: deadlock.",
        || {
            let queue = Arc::new(ClosableQueue::new());
            let consumer = {
                let queue = Arc::clone(&queue);
                thread::spawn(move || (queue.pop(), queue.pop()))
            };
            queue.push(1).unwrap();
            queue.close();
            assert_eq!(
                consumer.join().unwrap(),
                (Some(1), None),
                "the item, then the end"
            );
        },
    );
}

#[test]
fn close_reaches_every_consumer_however_the_threads_interleave() {
    check(
        "clause 4 (close wakes every consumer waiting in pop)",
        "Two consumers pop an empty queue; the main thread closes it. Both must get None. \
         A close that wakes one (notify_one), or that sets the flag after the consumers \
         looked but before they wait, in another lock section, leaves one asleep: deadlock.",
        || {
            let queue = Arc::new(ClosableQueue::<u32>::new());
            let consumers: Vec<_> = (0..2)
                .map(|_| {
                    let queue = Arc::clone(&queue);
                    thread::spawn(move || queue.pop())
                })
                .collect();
            queue.close();
            for consumer in consumers {
                assert_eq!(consumer.join().unwrap(), None, "a closed, empty queue ends");
            }
        },
    );
}

#[test]
fn a_consumer_robbed_of_its_item_waits_again() {
    check(
        "clause 5 (pop waits again when its item was taken first)",
        "A consumer waits in pop; the main thread pushes 1 and pops it itself before the \
         woken consumer runs; a third thread pushes 2. The consumer must get an item: after \
         waking it must look again (`while`, not `if`), not return what it finds or None.",
        || {
            let queue = Arc::new(ClosableQueue::new());
            let consumer = {
                let queue = Arc::clone(&queue);
                thread::spawn(move || queue.pop())
            };
            queue.push(1).unwrap();
            let late = {
                let queue = Arc::clone(&queue);
                thread::spawn(move || queue.push(2).unwrap())
            };
            let mine = queue.pop();
            let theirs = consumer.join().unwrap();
            late.join().unwrap();
            let mut got = vec![mine, theirs];
            got.sort();
            assert_eq!(got, [Some(1), Some(2)], "each item exactly once");
        },
    );
}
