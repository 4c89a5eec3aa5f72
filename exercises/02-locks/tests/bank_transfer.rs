//! Tests of the `bank_transfer` exercise:
//! `cargo test -p locks --test bank_transfer`.
//!
//! A deadlock is seen for what it is, not waited out: when every thread of a
//! test is asleep and none of them is woken for a while, nobody is left to
//! wake them (see `testkit::watch`).
//!
//! No call into the bank runs on a test's own thread without a deadline
//! (`without_blocking`, or a watched thread). The first line of every
//! failure names the clause of the contract it breaks
//! (`exercises/02-locks/course.toml`).

use locks::exercises::bank_transfer::{Bank, TransferError};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use testkit::panics::catch_quietly;
use testkit::watch::{join_all_or_stuck, spawn_watched, without_blocking};
use testkit::{DEADLINE, Rendezvous};

fn balances(bank: &Bank, accounts: usize) -> Vec<u64> {
    (0..accounts).map(|a| bank.balance(a).unwrap()).collect()
}

const SELF_DEADLOCK: &str = "clause 5 (no deadlock): deadlock: transfer() went to sleep with no other thread running: \
                             is one account's Mutex locked twice?";

#[test]
fn a_transfer_moves_the_money() {
    without_blocking(SELF_DEADLOCK, || {
        let bank = Bank::new(&[100, 50]);
        assert_eq!(
            bank.transfer(0, 1, 30),
            Ok(()),
            "clause 1 (a transfer moves the money): 100 -> 30 to account 1 should succeed"
        );
        assert_eq!(
            balances(&bank, 2),
            [70, 80],
            "clause 1 (a transfer moves the money): after moving 30 from account 0 to account 1"
        );
        assert_eq!(
            bank.transfer(1, 0, 80),
            Ok(()),
            "clause 1 (a transfer moves the money): moving a whole balance should succeed"
        );
        assert_eq!(
            balances(&bank, 2),
            [150, 0],
            "clause 1 (a transfer moves the money): after moving 80 from account 1 to account 0"
        );
        assert_eq!(
            bank.total(),
            150,
            "clause 1 (total adds up every balance): total() should add up every balance"
        );
    });
}

#[test]
fn an_overdraft_is_refused_and_changes_nothing() {
    without_blocking(SELF_DEADLOCK, || {
        let bank = Bank::new(&[100, 0]);
        assert_eq!(
            bank.transfer(0, 1, 150),
            Err(TransferError::InsufficientFunds {
                account: 0,
                balance: 100,
                requested: 150
            }),
            "clause 2 (no overdraft): account 0 holds 100: a transfer of 150 must be refused"
        );
        assert_eq!(
            balances(&bank, 2),
            [100, 0],
            "clause 2 (no overdraft): a refused transfer must not move any money"
        );
    });
}

#[test]
fn unknown_accounts_are_refused() {
    without_blocking(SELF_DEADLOCK, || {
        let bank = Bank::new(&[10, 10]);
        for (from, to, unknown) in [(0, 5, 5), (7, 0, 7)] {
            let outcome = catch_quietly(|| bank.transfer(from, to, 1));
            assert_eq!(
                outcome,
                Ok(Err(TransferError::NoSuchAccount(unknown))),
                "clause 3 (unknown accounts are refused): transfer({from}, {to}, 1) in a bank of 2 \
                 accounts must return \
                 Err(NoSuchAccount({unknown})), without panicking: check both account numbers \
                 before indexing"
            );
        }
        assert_eq!(
            balances(&bank, 2),
            [10, 10],
            "clause 3 (unknown accounts are refused): a refused transfer must not move any money"
        );
    });
}

#[test]
fn a_transfer_to_the_same_account_is_refused_without_deadlock() {
    let complaint = "clause 4 (the same account is refused): deadlock: transfer(1, 1, 5) went to sleep and never returned: locking the \
                     same Mutex twice on one thread waits forever. Check `from == to` before \
                     taking any lock";
    without_blocking(complaint, || {
        let bank = Bank::new(&[10, 20]);
        let outcome = catch_quietly(|| bank.transfer(1, 1, 5));
        assert_eq!(
            outcome,
            Ok(Err(TransferError::SameAccount(1))),
            "clause 4 (the same account is refused): transfer(1, 1, 5) must return \
             Err(SameAccount(1)), without panicking: check \
             `from == to` before taking any lock"
        );
        assert_eq!(
            balances(&bank, 2),
            [10, 20],
            "clause 4 (the same account is refused): a refused transfer must not move any money"
        );
    });
}

/// Transfers A->B and B->A at the same time, from several threads: a
/// transfer that locks `from` first can hold A and wait for B while the
/// opposite one holds B and waits for A.
#[test]
fn opposite_transfers_from_many_threads_never_deadlock() {
    const THREADS: usize = 4;
    const TRANSFERS: usize = 50_000;
    const START: u64 = 1_000_000;
    let bank = Arc::new(Bank::new(&[START, START]));
    let start = Arc::new(Rendezvous::new(THREADS));
    let workers = (0..THREADS)
        .map(|t| {
            let (bank, start) = (Arc::clone(&bank), Arc::clone(&start));
            let (from, to) = if t % 2 == 0 { (0, 1) } else { (1, 0) };
            spawn_watched("transfers", move || {
                start
                    .wait(DEADLINE)
                    .expect("clause 5 (no deadlock): the workers never all started");
                for _ in 0..TRANSFERS {
                    if let Err(error) = bank.transfer(from, to, 1) {
                        panic!(
                            "clause 2 (only a transfer beyond the balance is refused): \
                             transfer({from}, {to}, 1) was refused with {error:?}, but account \
                             {from} holds far more than the {TRANSFERS} moved"
                        );
                    }
                }
            })
        })
        .collect();
    match join_all_or_stuck(workers) {
        Err(stuck) => panic!(
            "clause 5 (no deadlock): deadlock: {stuck} threads making transfers 0->1 and 1->0 sleep forever, each \
             holding one account's lock and waiting for the other's. Lock the two accounts in \
             one global order (the smaller account number first), whichever is `from`"
        ),
        Ok(outcomes) => {
            if let Some(Err(message)) = outcomes.into_iter().find(Result::is_err) {
                panic!("{message}");
            }
        }
    }
    let total = without_blocking(
        "clause 5 (no deadlock): total() went to sleep with no transfer running",
        move || bank.total(),
    );
    assert!(
        total == 2 * START,
        "clause 6 (no money appears or vanishes): 2 * {START} went in, transfers move it, \
         nothing more, but total() says {total}"
    );
}

/// Several threads try to take the whole balance of one account at the same
/// moment: exactly one may succeed. Meanwhile an auditor adds up a big bank
/// over and over, holding account 0 (where the money goes) for most of the
/// time, so the competitors queue for that lock: a balance checked before
/// taking the locks is then checked by all of them, and all see the money.
#[test]
fn competing_transfers_never_overdraw_an_account() {
    const ACCOUNTS: usize = 10_000;
    const CONTESTED: usize = ACCOUNTS - 1;
    const THREADS: usize = 4;
    const ROUNDS: usize = 50;
    const AMOUNT: u64 = 100;
    let mut opening = vec![0; ACCOUNTS];
    opening[CONTESTED] = AMOUNT;
    let bank = Arc::new(Bank::new(&opening));
    let meet = Arc::new(Rendezvous::new(THREADS));
    let done = Arc::new(AtomicBool::new(false));
    let finished = Arc::new(AtomicUsize::new(0));
    let audits = Arc::new(AtomicUsize::new(0));
    let competitors = (0..THREADS).map(|me| {
        let (bank, meet, audits) = (Arc::clone(&bank), Arc::clone(&meet), Arc::clone(&audits));
        let (done, finished) = (Arc::clone(&done), Arc::clone(&finished));
        spawn_watched("competitor", move || {
            // The auditor stops when the last competitor ends, or the first
            // one panics.
            let _stop = StopWhenDone {
                done,
                finished,
                of: THREADS,
            };
            let mut won = 0;
            for _ in 0..ROUNDS {
                // Each round starts while the auditor is busy adding up.
                let seen = audits.load(Ordering::SeqCst);
                let waiting_since = std::time::Instant::now();
                while audits.load(Ordering::SeqCst) < seen + 2 {
                    // The auditor may have died (a `total()` that panics, or
                    // is still a `todo!()`): never wait for it for ever.
                    assert!(
                        waiting_since.elapsed() < DEADLINE,
                        "clause 6 (total is a snapshot): the auditor stopped adding up: total() \
                         panicked or never returned"
                    );
                    std::thread::yield_now();
                }
                meet.wait(DEADLINE)
                    .expect("clause 5 (no deadlock): the competitors fell out of step");
                let took = bank.transfer(CONTESTED, 0, AMOUNT);
                // Everybody has tried before the winner puts the money back.
                meet.wait(DEADLINE)
                    .expect("clause 5 (no deadlock): the competitors fell out of step");
                match took {
                    Ok(()) => {
                        won += 1;
                        bank.transfer(0, CONTESTED, AMOUNT).expect(
                            "clause 2 (only a transfer beyond the balance is refused): \
                                 moving back what was just received must succeed",
                        );
                    }
                    Err(TransferError::InsufficientFunds { .. }) => {}
                    Err(other) => panic!(
                        "clause 2 (only a transfer beyond the balance is refused): competitor \
                         {me}: transfer failed with {other:?}"
                    ),
                }
            }
            won
        })
    });
    let wrong_total = Arc::new(AtomicUsize::new(usize::MAX));
    let auditor = {
        let (bank, done, audits) = (Arc::clone(&bank), Arc::clone(&done), Arc::clone(&audits));
        let wrong_total = Arc::clone(&wrong_total);
        spawn_watched("auditor", move || {
            while !done.load(Ordering::SeqCst) {
                let total = bank.total();
                if total != AMOUNT {
                    wrong_total.store(total as usize, Ordering::SeqCst);
                }
                audits.fetch_add(1, Ordering::SeqCst);
            }
            0
        })
    };
    let everyone: Vec<_> = competitors.chain([auditor]).collect();
    let outcomes = join_all_or_stuck(everyone).unwrap_or_else(|stuck| {
        panic!(
            "clause 5 (no deadlock): deadlock: {stuck} threads sleep forever while transfers from \
             account {CONTESTED} \
             to account 0 run beside total()"
        )
    });
    let wrong = wrong_total.load(Ordering::SeqCst);
    if wrong != usize::MAX {
        panic!(
            "clause 6 (no money appears or vanishes): money appeared or vanished: total() \
             returned {wrong} while transfers ran, but the \
             bank always holds {AMOUNT}. transfer() must hold both locks until both balances \
             are changed (no money in flight), and total() must hold every lock while it adds"
        );
    }
    let mut wins = 0;
    for outcome in outcomes {
        match outcome {
            Ok(won) => wins += won,
            Err(message) => panic!(
                "clause 2 (no overdraft): overdraft: two transfers took the same money \
                 ({message}). The balance was \
                 checked in one lock section and debited in another (check-then-act): check \
                 it while you hold the locks you debit under"
            ),
        }
    }
    assert!(
        wins == ROUNDS,
        "clause 2 (no overdraft): overdraft: in each of {ROUNDS} rounds {THREADS} threads tried to take the same \
         {AMOUNT} and exactly one should have got it, but {wins} transfers succeeded. Check \
         the balance while holding the lock you debit under"
    );
}

/// Sets `done` when the last of `of` threads ends, or when one panics.
struct StopWhenDone {
    done: Arc<AtomicBool>,
    finished: Arc<AtomicUsize>,
    of: usize,
}

impl Drop for StopWhenDone {
    fn drop(&mut self) {
        let finished = self.finished.fetch_add(1, Ordering::SeqCst) + 1;
        if finished == self.of || std::thread::panicking() {
            self.done.store(true, Ordering::SeqCst);
        }
    }
}

/// An auditor adds up the bank while transfers run: every snapshot must be
/// exact. Many accounts make each `total()` long; the transfers go between
/// the first and the last account, so that they overlap it.
#[test]
fn total_is_exact_while_transfers_run() {
    const ACCOUNTS: usize = 1_000;
    const START: u64 = 1_000_000;
    // Audits to make, with transfers running beside them all along.
    const AUDITS: usize = 300;
    const TRANSFERS: usize = 1_000;
    const EXPECTED: u64 = 2 * START;
    let mut opening = vec![0; ACCOUNTS];
    (opening[0], opening[ACCOUNTS - 1]) = (START, START);
    let bank = Arc::new(Bank::new(&opening));
    let transfers = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let movers = [(ACCOUNTS - 1, 0), (0, ACCOUNTS - 1)].map(|(from, to)| {
        let (bank, transfers, done) =
            (Arc::clone(&bank), Arc::clone(&transfers), Arc::clone(&done));
        spawn_watched("mover", move || {
            while !done.load(Ordering::SeqCst) {
                match bank.transfer(from, to, 7) {
                    Ok(()) | Err(TransferError::InsufficientFunds { .. }) => {}
                    Err(other) => panic!(
                        "clause 2 (only a transfer beyond the balance is refused): \
                         transfer({from}, {to}, 7) failed with {other:?}"
                    ),
                }
                transfers.fetch_add(1, Ordering::SeqCst);
            }
            None
        })
    });
    let auditor = {
        let (bank, transfers, done) =
            (Arc::clone(&bank), Arc::clone(&transfers), Arc::clone(&done));
        spawn_watched("auditor", move || {
            // The movers stop when the auditor ends, even by a panic.
            let _stop = StopWhenDone {
                done: Arc::clone(&done),
                finished: Arc::new(AtomicUsize::new(0)),
                of: 1,
            };
            let (mut wrong, mut audits) = (None, 0);
            while (audits < AUDITS || transfers.load(Ordering::SeqCst) < TRANSFERS)
                && wrong.is_none()
            {
                let total = bank.total();
                audits += 1;
                if total != EXPECTED {
                    wrong = Some(total);
                }
            }
            done.store(true, Ordering::SeqCst);
            wrong
        })
    };
    let everyone = movers.into_iter().chain([auditor]).collect();
    let outcomes = join_all_or_stuck(everyone).unwrap_or_else(|stuck| {
        panic!(
            "clause 5 (no deadlock): deadlock: {stuck} threads sleep forever while total() runs beside transfers: do \
             transfer() and total() take the locks in the same order?"
        )
    });
    for outcome in outcomes {
        match outcome {
            Ok(Some(total)) => panic!(
                "clause 6 (no money appears or vanishes): money appeared or vanished: total() \
                 returned {total} while transfers ran, but \
                 the bank always holds {EXPECTED}. total() must hold every account's lock while \
                 it adds (a snapshot, not one lock at a time), and transfer() must hold both \
                 locks until both balances are changed (no money in flight)"
            ),
            Ok(None) => {}
            Err(message) => panic!("{message}"),
        }
    }
    let final_total: u64 = without_blocking(
        "clause 5 (no deadlock): balance() went to sleep with no transfer running",
        move || balances(&bank, ACCOUNTS).iter().sum(),
    );
    assert!(
        final_total == EXPECTED,
        "clause 6 (no money appears or vanishes): money appeared or vanished: the final balances add up to {final_total}, not \
         {EXPECTED}"
    );
}
