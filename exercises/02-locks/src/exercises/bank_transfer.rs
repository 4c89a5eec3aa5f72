//! Exercise `bank_transfer`: move money between accounts, each behind its
//! own `Mutex`, from many threads at once, without deadlock and without
//! making money appear or vanish.
#![allow(dead_code, unused_variables)]

use std::sync::Mutex;

// ANCHOR: starter
/// Why a transfer was refused. A refused transfer changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferError {
    /// There is no account with this number.
    NoSuchAccount(usize),
    /// `from` and `to` are the same account.
    SameAccount(usize),
    /// The account holds less than the amount asked for.
    InsufficientFunds {
        account: usize,
        balance: u64,
        requested: u64,
    },
}

/// A bank whose accounts are numbered from 0, each with its own lock, so
/// that transfers between different accounts run in parallel.
#[derive(Debug)]
pub struct Bank {
    accounts: Vec<Mutex<u64>>,
}

impl Bank {
    /// A bank with one account per balance, numbered from 0.
    pub fn new(balances: &[u64]) -> Self {
        Bank {
            accounts: balances.iter().map(|&b| Mutex::new(b)).collect(),
        }
    }

    /// The balance of `account`, or `None` if there is no such account.
    pub fn balance(&self, account: usize) -> Option<u64> {
        self.accounts.get(account).map(|b| *b.lock().unwrap())
    }

    /// Moves `amount` from `from` to `to`, all or nothing.
    ///
    /// Holds both accounts' locks while it checks and moves the money, takes
    /// them in one global order (the smaller account number first) so that
    /// opposite transfers cannot deadlock, and refuses a transfer to the same
    /// account, to an account that does not exist, or beyond the balance.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
        // TODO: refuse first what needs no lock; then hold both accounts'
        // locks, taken in the global order, while you check and move the money.
        todo!("move the money while holding both accounts' locks, taken in account order")
    }

    /// The sum of all balances, as one consistent snapshot: transfers that
    /// run at the same time are counted either entirely or not at all.
    pub fn total(&self) -> u64 {
        // TODO: a sum taken one lock at a time can catch a transfer half done.
        todo!("add up every balance while no transfer can run")
    }
}
// ANCHOR_END: starter
