//! ALT: lock order by the accounts' addresses in memory
//!
//! Any total order on the locks prevents the cycle; the address of each
//! Mutex is one that needs no account numbers, so the same code would work
//! for accounts that are not in one Vec.

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
        // The global order is the accounts' place in memory: any total order
        // works, as long as every thread uses the same one.
        let (from_account, to_account) = (&self.accounts[from], &self.accounts[to]);
        let from_first = std::ptr::from_ref(from_account) < std::ptr::from_ref(to_account);
        let (mut from_balance, mut to_balance) = if from_first {
            let f = Self::lock_one(from_account);
            (f, Self::lock_one(to_account))
        } else {
            let t = Self::lock_one(to_account);
            (Self::lock_one(from_account), t)
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
        // Every lock, in the same order as `transfer`, all held while adding.
        let mut guards: Vec<&Mutex<u64>> = self.accounts.iter().collect();
        guards.sort_by_key(|account| std::ptr::from_ref(*account));
        let guards: Vec<MutexGuard<'_, u64>> = guards.into_iter().map(Self::lock_one).collect();
        guards.iter().map(|balance| **balance).sum()
    }

    fn lock_one(account: &Mutex<u64>) -> MutexGuard<'_, u64> {
        account.lock().unwrap_or_else(|e| e.into_inner())
    }
}
