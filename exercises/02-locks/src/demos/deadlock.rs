//! Two transfers in opposite directions that deadlock, on purpose, every
//! time; and the same transfers with the locks taken in one global order.

use std::fmt;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::Duration;

/// A bank account: an id that fixes its place in the lock order, and a
/// balance behind its own lock.
#[derive(Debug)]
pub struct Account {
    pub id: u32,
    pub balance: Mutex<i64>,
}

/// In which order a transfer takes the two locks it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockOrder {
    /// `from` first, then `to`: two opposite transfers can deadlock.
    FromThenTo,
    /// The account with the smaller id first: no cycle, no deadlock.
    ById,
}

/// What a transfer thread reports as it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Locked {
        who: &'static str,
        account: u32,
    },
    Waiting {
        who: &'static str,
        account: u32,
    },
    Moved {
        who: &'static str,
        amount: i64,
        from: u32,
        to: u32,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Locked { who, account } => write!(f, "{who}: locked account {account}"),
            Event::Waiting { who, account } => write!(f, "{who}: waiting for account {account}"),
            Event::Moved {
                who,
                amount,
                from,
                to,
            } => {
                write!(
                    f,
                    "{who}: moved {amount} from account {from} to account {to}"
                )
            }
        }
    }
}

/// Sends one thread's progress to the main thread, which prints it and
/// notices when it stops.
struct Progress<'a> {
    who: &'static str,
    events: &'a Sender<Event>,
}

impl Progress<'_> {
    fn locked(&self, account: &Account) {
        let (who, account) = (self.who, account.id);
        let _ = self.events.send(Event::Locked { who, account });
    }

    fn waiting_for(&self, account: &Account) {
        let (who, account) = (self.who, account.id);
        let _ = self.events.send(Event::Waiting { who, account });
    }
}

fn transfer(
    who: &'static str,
    from: &Account,
    to: &Account,
    amount: i64,
    order: LockOrder,
    meet: &Barrier,
    events: &Sender<Event>,
) {
    let progress = Progress { who, events };
    // ANCHOR: lock_order
    let (first, second) = match order {
        LockOrder::FromThenTo => (from, to),
        LockOrder::ById if from.id < to.id => (from, to),
        LockOrder::ById => (to, from),
    };
    // ANCHOR_END: lock_order
    if order == LockOrder::ById {
        meet.wait(); // start together; meeting later would itself deadlock
    }
    // ANCHOR: two_locks
    let mut first_balance = first.balance.lock().unwrap();
    progress.locked(first);
    if order == LockOrder::FromThenTo {
        meet.wait(); // both threads now hold one lock each: the trap is set
    }
    progress.waiting_for(second);
    let mut second_balance = second.balance.lock().unwrap();
    progress.locked(second);
    // ANCHOR_END: two_locks
    let (from_balance, to_balance) = if first.id == from.id {
        (&mut *first_balance, &mut *second_balance)
    } else {
        (&mut *second_balance, &mut *first_balance)
    };
    *from_balance -= amount;
    *to_balance += amount;
    let _ = events.send(Event::Moved {
        who,
        amount,
        from: from.id,
        to: to.id,
    });
}

/// How [`run_transfers`] ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Both transfers went through; the final balances of accounts 1 and 2.
    Finished { balances: [i64; 2] },
    /// Nothing happened for `patience`: each entry is a thread that holds
    /// one account and waits for another, as `(who, holds, waits_for)`.
    Deadlocked {
        stuck: Vec<(&'static str, u32, u32)>,
    },
}

// ANCHOR: run_transfers
/// Alice moves 10 from account 1 to account 2 while Bob moves 20 from
/// account 2 to account 1, each on a thread of their own. Every event is
/// passed to `on_event` as it happens. If no event comes for `patience`,
/// the threads are stuck for good: this returns [`Outcome::Deadlocked`] and
/// leaves them behind (a program should then exit: they die with it).
pub fn run_transfers(
    order: LockOrder,
    patience: Duration,
    mut on_event: impl FnMut(&Event),
) -> Outcome {
    let accounts = Arc::new([
        Account {
            id: 1,
            balance: Mutex::new(100),
        },
        Account {
            id: 2,
            balance: Mutex::new(100),
        },
    ]);
    let meet = Arc::new(Barrier::new(2));
    let (events, rx) = mpsc::channel();
    for (who, from, to, amount) in [("alice", 0, 1, 10), ("bob", 1, 0, 20)] {
        let (accounts, meet, events) = (Arc::clone(&accounts), Arc::clone(&meet), events.clone());
        thread::spawn(move || {
            transfer(
                who,
                &accounts[from],
                &accounts[to],
                amount,
                order,
                &meet,
                &events,
            )
        });
    }
    drop(events); // so that `recv` reports it if every thread has gone
    let mut holds: Vec<(&'static str, u32)> = Vec::new();
    let mut waits: Vec<(&'static str, u32)> = Vec::new();
    let mut finished = 0;
    while finished < 2 {
        match rx.recv_timeout(patience) {
            Ok(event) => {
                on_event(&event);
                match event {
                    Event::Locked { who, account } => holds.push((who, account)),
                    Event::Waiting { who, account } => waits.push((who, account)),
                    Event::Moved { .. } => finished += 1,
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                let stuck = waits
                    .iter()
                    .filter(|(who, wanted)| !holds.contains(&(who, *wanted)))
                    .map(|&(who, wanted)| {
                        let held = holds.iter().find(|(w, _)| *w == who).map_or(0, |h| h.1);
                        (who, held, wanted)
                    })
                    .collect();
                return Outcome::Deadlocked { stuck };
            }
            Err(RecvTimeoutError::Disconnected) => panic!("a transfer thread panicked"),
        }
    }
    let balances = [0, 1].map(|i| *accounts[i].balance.lock().unwrap());
    Outcome::Finished { balances }
}
// ANCHOR_END: run_transfers
