//! Tests of the `bank_transfer` exercise:
//! `cargo test -p locks --test bank_transfer`.

use locks::exercises::bank_transfer::{Bank, TransferError};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use testkit::{DEADLINE, within};

fn balances(bank: &Bank, accounts: usize) -> Vec<u64> {
    (0..accounts).map(|a| bank.balance(a).unwrap()).collect()
}

#[test]
fn a_transfer_moves_the_money() {
    within(
        DEADLINE,
        "one transfer",
        "transfer() never returned: is a lock taken twice?",
        || {
            let bank = Bank::new(&[100, 50]);
            assert_eq!(
                bank.transfer(0, 1, 30),
                Ok(()),
                "100 -> 30 to account 1 should succeed"
            );
            assert_eq!(
                balances(&bank, 2),
                [70, 80],
                "after moving 30 from account 0 to account 1"
            );
            assert_eq!(
                bank.transfer(1, 0, 80),
                Ok(()),
                "moving a whole balance should succeed"
            );
            assert_eq!(
                balances(&bank, 2),
                [150, 0],
                "after moving 80 from account 1 to account 0"
            );
            assert_eq!(bank.total(), 150, "total() should add up every balance");
        },
    );
}

#[test]
fn an_overdraft_is_refused_and_changes_nothing() {
    within(
        DEADLINE,
        "an overdraft",
        "transfer() never returned: is a lock taken twice?",
        || {
            let bank = Bank::new(&[100, 0]);
            assert_eq!(
                bank.transfer(0, 1, 150),
                Err(TransferError::InsufficientFunds {
                    account: 0,
                    balance: 100,
                    requested: 150
                }),
                "account 0 holds 100: a transfer of 150 must be refused"
            );
            assert_eq!(
                balances(&bank, 2),
                [100, 0],
                "a refused transfer must not move any money"
            );
        },
    );
}

#[test]
fn unknown_accounts_are_refused() {
    within(
        DEADLINE,
        "unknown accounts",
        "transfer() never returned",
        || {
            let bank = Bank::new(&[10, 10]);
            assert_eq!(bank.transfer(0, 5, 1), Err(TransferError::NoSuchAccount(5)));
            assert_eq!(bank.transfer(7, 0, 1), Err(TransferError::NoSuchAccount(7)));
            assert_eq!(
                balances(&bank, 2),
                [10, 10],
                "a refused transfer must not move any money"
            );
        },
    );
}

#[test]
fn a_transfer_to_the_same_account_is_refused_without_deadlock() {
    within(
        DEADLINE,
        "transfer(1, 1, 5)",
        "deadlock: transfer(a, a) never returned; locking the same Mutex twice on one \
         thread waits forever: check `from == to` before taking any lock",
        || {
            let bank = Bank::new(&[10, 20]);
            assert_eq!(bank.transfer(1, 1, 5), Err(TransferError::SameAccount(1)));
            assert_eq!(
                balances(&bank, 2),
                [10, 20],
                "a refused transfer must not move any money"
            );
        },
    );
}

#[test]
fn opposite_transfers_from_many_threads_finish_and_conserve_money() {
    const ACCOUNTS: usize = 3;
    const START: u64 = 1_000;
    const THREADS: usize = 6;
    const TRANSFERS: usize = 20_000;
    // Transfers go on until the auditor has looked this often, so that a
    // total() taken one lock at a time is caught in the middle of a transfer.
    const AUDITS: usize = 20_000;
    const EXPECTED: u64 = START * ACCOUNTS as u64;
    let bank = Arc::new(Bank::new(&[START; ACCOUNTS]));
    let transfers_done = Arc::new(AtomicBool::new(false));
    let audits = Arc::new(AtomicUsize::new(0));
    // An auditor adds up the bank while the transfers run: each snapshot must
    // be exact, not only the final one. It records the first wrong total.
    let auditor = {
        let (bank, transfers_done, audits) = (
            Arc::clone(&bank),
            Arc::clone(&transfers_done),
            Arc::clone(&audits),
        );
        thread::spawn(move || {
            let mut first_wrong_total = None;
            while !transfers_done.load(Ordering::SeqCst) {
                let total = bank.total();
                if total != EXPECTED && first_wrong_total.is_none() {
                    first_wrong_total = Some(total);
                }
                audits.fetch_add(1, Ordering::SeqCst);
            }
            first_wrong_total
        })
    };
    let (workers_bank, workers_audits) = (Arc::clone(&bank), Arc::clone(&audits));
    let (made, refused) = within(
        DEADLINE,
        "6 threads making 20000 transfers each, A->B and B->A",
        "deadlock: transfers A->B and B->A never finished; lock the two accounts in a \
         fixed order (the smaller account number first), and total() in the same order",
        move || {
            let workers: Vec<_> = (0..THREADS)
                .map(|t| {
                    let (bank, audits) = (Arc::clone(&workers_bank), Arc::clone(&workers_audits));
                    thread::spawn(move || {
                        let (mut made, mut refused) = (0, 0);
                        let mut i = 0;
                        while i < TRANSFERS || audits.load(Ordering::SeqCst) < AUDITS {
                            // Half the threads go "up", half "down": every pair
                            // of accounts sees transfers in both directions.
                            let a = (t + i) % ACCOUNTS;
                            let b = (a + 1) % ACCOUNTS;
                            let (from, to) = if t % 2 == 0 { (a, b) } else { (b, a) };
                            let amount = (i % 7 + 1) as u64 * 50;
                            match bank.transfer(from, to, amount) {
                                Ok(()) => made += 1,
                                Err(TransferError::InsufficientFunds { .. }) => refused += 1,
                                Err(other) => panic!(
                                    "transfer({from}, {to}, {amount}) was refused with \
                                     {other:?}, but both accounts exist and differ"
                                ),
                            }
                            i += 1;
                        }
                        (made, refused)
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .fold((0, 0), |(m, r), (made, refused)| (m + made, r + refused))
        },
    );
    transfers_done.store(true, Ordering::SeqCst);
    let first_wrong_total = within(
        DEADLINE,
        "the auditor",
        "deadlock: total() never returned",
        move || auditor.join(),
    )
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    if let Some(total) = first_wrong_total {
        panic!(
            "total() returned {total} while transfers were running, but the bank always holds \
             {EXPECTED}: money appeared or vanished. Does transfer() hold both locks while it \
             moves the money, and does total() hold every lock while it adds?"
        );
    }
    let final_balances = balances(&bank, ACCOUNTS);
    assert_eq!(
        final_balances.iter().sum::<u64>(),
        EXPECTED,
        "money appeared or vanished: the final balances {final_balances:?} do not add up to \
         {EXPECTED}"
    );
    assert!(
        made > refused,
        "{refused} transfers were refused and only {made} made: amounts of at most 350 \
         between accounts holding 3000 in all should mostly go through"
    );
}
