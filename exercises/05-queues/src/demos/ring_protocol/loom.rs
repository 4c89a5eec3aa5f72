//! The ring's protocol, model-checked: a producer and a consumer thread run
//! `push` and `pop` on one `Control` and its slots under loom, which tries
//! every interleaving of their atomic operations (up to a bound on
//! preemptions) and every value each load may see under the orderings
//! written in `push` and `pop`. A doorbell is a flag under a loom `Mutex`,
//! with a `Condvar`: like an `eventfd`, a ring is kept until the sleeper
//! takes it, and a side that is gone is seen by the other's next sleep, as a
//! pipe hangs up.
//!
//! ```text
//! RUSTFLAGS="--cfg queues_loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test --release -p queues-solution --lib ring_protocol::loom
//! ```
//!
//! A lost wake-up (a side asleep while the other will never ring) is a
//! deadlock, which loom reports; an item read before its words are visible
//! is a wrong item, which the assertions report.

use std::io;

use ::loom::sync::atomic::{AtomicBool, AtomicU64};
use ::loom::sync::{Arc, Condvar, Mutex};
use ::loom::thread;

use super::{Control, OwnLine, SLOT_BYTES, Slot, Wake, Woken, pop, push};

/// What the two sides' doorbells and hang-up pipes say, under one lock.
struct Bells {
    /// The producer rang the consumer's doorbell since its last sleep.
    item_added: bool,
    /// The consumer rang the producer's doorbell since its last sleep.
    slot_freed: bool,
    /// Producers still there (one, or two in the model of a borrowed
    /// Sender): the consumer's pipe hangs up when the last one leaves.
    producers: usize,
    consumer_gone: bool,
}

/// One ring, as both threads of a model see it.
struct Model {
    control: Control,
    slots: Vec<Slot>,
    bells: Mutex<Bells>,
    changed: Condvar,
}

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Producer,
    Consumer,
}

/// One side of the model ring: implements the protocol's `Wake` with the
/// shared `Bells`.
struct Side {
    ring: Arc<Model>,
    role: Role,
}

impl Model {
    fn new(capacity: usize, producers: usize) -> Arc<Model> {
        let slot = || -> Slot { std::array::from_fn(|_| AtomicU64::new(0)) };
        Arc::new(Model {
            control: Control {
                tail: OwnLine(AtomicU64::new(0)),
                head: OwnLine(AtomicU64::new(0)),
                consumer_asleep: AtomicBool::new(false),
                producer_asleep: AtomicBool::new(false),
            },
            slots: (0..capacity).map(|_| slot()).collect(),
            bells: Mutex::new(Bells {
                item_added: false,
                slot_freed: false,
                producers,
                consumer_gone: false,
            }),
            changed: Condvar::new(),
        })
    }
}

impl Side {
    fn push(&self, n: u8) -> io::Result<()> {
        push(&self.ring.control, &self.ring.slots, &[n], self)
    }

    fn pop(&self) -> io::Result<Option<u8>> {
        let mut out = [0_u8; SLOT_BYTES];
        let got = pop(&self.ring.control, &self.ring.slots, &mut out, self)?;
        Ok(got.map(|len| {
            assert_eq!(len, 1, "an item of 1 byte came out {len} bytes long");
            out[0]
        }))
    }

    /// This side is gone: as its process's descriptors closing would say.
    fn leave(&self) {
        let mut bells = self.ring.bells.lock().unwrap();
        match self.role {
            Role::Producer => bells.producers -= 1,
            Role::Consumer => bells.consumer_gone = true,
        }
        self.ring.changed.notify_all();
    }
}

impl Wake for Side {
    fn sleep(&self) -> io::Result<Woken> {
        let mut bells = self.ring.bells.lock().unwrap();
        loop {
            let state = &mut *bells;
            let (rung, gone) = match self.role {
                Role::Producer => (&mut state.slot_freed, state.consumer_gone),
                Role::Consumer => (&mut state.item_added, state.producers == 0),
            };
            if *rung || gone {
                *rung = false;
                return Ok(if gone { Woken::HungUp } else { Woken::Rung });
            }
            bells = self.ring.changed.wait(bells).unwrap();
        }
    }

    fn wake_other(&self) -> io::Result<()> {
        let mut bells = self.ring.bells.lock().unwrap();
        match self.role {
            Role::Producer => bells.item_added = true,
            Role::Consumer => bells.slot_freed = true,
        }
        self.ring.changed.notify_all();
        Ok(())
    }
}

/// Runs `producer` and `consumer` on two loom threads over one ring of
/// `capacity` slots, in every interleaving; each side leaves when its
/// closure returns.
fn model<P, C>(capacity: usize, producer: P, consumer: C)
where
    P: Fn(&Side) + Sync + Send + 'static,
    C: Fn(&Side) + Sync + Send + 'static,
{
    let producer = std::sync::Arc::new(producer);
    let consumer = std::sync::Arc::new(consumer);
    let mut builder = ::loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(move || {
        let ring = Model::new(capacity, 1);
        let producing = Side {
            ring: Arc::clone(&ring),
            role: Role::Producer,
        };
        let producer = std::sync::Arc::clone(&producer);
        let other = thread::spawn(move || {
            producer(&producing);
            producing.leave();
        });
        let consuming = Side {
            ring,
            role: Role::Consumer,
        };
        consumer(&consuming);
        consuming.leave();
        other.join().unwrap();
    });
}

#[test]
fn items_pass_a_ring_of_one_slot_in_order_then_it_ends() {
    // One slot for three items: the producer finds the ring full and the
    // consumer finds it empty, in every order loom can make.
    model(
        1,
        |producer| {
            for n in 1..=3 {
                producer
                    .push(n)
                    .expect("push failed with the consumer still there");
            }
        },
        |consumer| {
            let mut got = Vec::new();
            while let Some(n) = consumer.pop().expect("pop failed") {
                got.push(n);
            }
            assert_eq!(
                got,
                [1, 2, 3],
                "the items, in order, then the end of the ring"
            );
        },
    );
}

#[test]
fn items_wrap_round_a_ring_of_two_slots() {
    model(
        2,
        |producer| {
            for n in 1..=4 {
                producer
                    .push(n)
                    .expect("push failed with the consumer still there");
            }
        },
        |consumer| {
            for n in 1..=4 {
                assert_eq!(
                    consumer.pop().expect("pop failed"),
                    Some(n),
                    "item {n} in turn"
                );
            }
            assert_eq!(
                consumer.pop().expect("pop failed"),
                None,
                "the end of the ring"
            );
        },
    );
}

#[test]
fn a_full_ring_fails_once_its_consumer_is_gone() {
    // The consumer takes one item and leaves. The producer's third item
    // finds the ring full (the second is still in it) and nobody to free a
    // slot: BrokenPipe, never a sleep for ever.
    model(
        1,
        |producer| {
            producer.push(1).expect("the first item fits");
            producer
                .push(2)
                .expect("the consumer frees the slot for the second");
            let third = producer
                .push(3)
                .expect_err("the third item found a consumer");
            assert_eq!(third.kind(), io::ErrorKind::BrokenPipe, "{third}");
        },
        |consumer| {
            assert_eq!(
                consumer.pop().expect("pop failed"),
                Some(1),
                "the first item"
            );
        },
    );
}

#[test]
fn two_processes_sending_through_one_borrowed_sender_lose_items_but_never_tear_one() {
    // What a forked child that *borrows* the parent's Sender does: two
    // producers run `push` on one ring at once. Both may read the same
    // `tail`, fill the same slot and store the same `tail + 1`: an item is
    // lost. Every shared word is an atomic, so the consumer still gets whole
    // items (never a torn or invented one), and the model shows no data
    // race. The page says so; this checks that the loss really happens.
    use std::sync::atomic::{AtomicBool, Ordering};
    static LOST: AtomicBool = AtomicBool::new(false);
    let mut builder = ::loom::model::Builder::new();
    builder.preemption_bound = Some(2); // one preemption loses an item
    builder.check(|| {
        let ring = Model::new(2, 2);
        let producers: Vec<_> = [1_u8, 2]
            .into_iter()
            .map(|n| {
                let side = Side {
                    ring: Arc::clone(&ring),
                    role: Role::Producer,
                };
                thread::spawn(move || {
                    side.push(n).expect("the consumer is still there");
                    side.leave();
                })
            })
            .collect();
        let consumer = Side {
            ring,
            role: Role::Consumer,
        };
        let mut got = Vec::new();
        while let Some(n) = consumer.pop().expect("pop failed") {
            got.push(n);
        }
        consumer.leave();
        for p in producers {
            p.join().unwrap();
        }
        assert!(
            !got.is_empty() && got.iter().all(|n| [1, 2].contains(n)),
            "the consumer got {got:?}: only whole items that were sent"
        );
        if got.len() < 2 {
            LOST.store(true, Ordering::Relaxed);
        }
    });
    assert!(
        LOST.load(Ordering::Relaxed),
        "no interleaving lost an item: then two processes may share a Sender, \
         and the page's warning is wrong"
    );
}
