//! WRONG: `total` locks the accounts from the last to the first
//! EXPECT: deadlock
//! CLAUSE: 5
//!
//! Holding every lock makes the sum a snapshot, but in the opposite order
//! to `transfer`'s: the auditor holds the last account and waits for the
//! first while a transfer holds the first and waits for the last.

use std::sync::{Mutex, MutexGuard};

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

/// A bank whose accounts are numbered from 0, each with its own lock.
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
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
        for account in [from, to] {
            if account >= self.accounts.len() {
                return Err(TransferError::NoSuchAccount(account));
            }
        }
        if from == to {
            return Err(TransferError::SameAccount(from));
        }
        let (low, high) = (from.min(to), from.max(to));
        let mut low_balance = self.lock(low);
        let mut high_balance = self.lock(high);
        let (from_balance, to_balance) = if from == low {
            (&mut *low_balance, &mut *high_balance)
        } else {
            (&mut *high_balance, &mut *low_balance)
        };
        if *from_balance < amount {
            return Err(TransferError::InsufficientFunds {
                account: from,
                balance: *from_balance,
                requested: amount,
            });
        }
        *from_balance -= amount;
        *to_balance += amount;
        Ok(())
    }

    /// The sum of all balances, as one consistent snapshot.
    pub fn total(&self) -> u64 {
        let guards: Vec<MutexGuard<'_, u64>> = (0..self.accounts.len())
            .rev()
            .map(|i| self.lock(i))
            .collect();
        guards.iter().map(|balance| **balance).sum()
    }

    fn lock(&self, account: usize) -> MutexGuard<'_, u64> {
        self.accounts[account].lock().unwrap()
    }
}
