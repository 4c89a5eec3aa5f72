//! ALT: take the second lock with `try_lock`, and back off when it is taken
//!
//! No global order: a transfer that cannot get its second account lets go
//! of the first and tries again. Deadlock is impossible because nobody
//! waits while holding a lock; the price is retries under contention.

use std::sync::{Mutex, MutexGuard, TryLockError};
use std::thread;

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
        // Never wait for the second lock while holding the first: try it,
        // and if it is taken, let go of both and start again the other way
        // round, so that neither transfer of a pair sits on what the other
        // one needs.
        let mut first = from;
        let (mut from_guard, mut to_guard) = loop {
            let second = if first == from { to } else { from };
            let held = self.lock(first);
            match self.accounts[second].try_lock() {
                Ok(other) if first == from => break (held, other),
                Ok(other) => break (other, held),
                Err(TryLockError::Poisoned(e)) if first == from => break (held, e.into_inner()),
                Err(TryLockError::Poisoned(e)) => break (e.into_inner(), held),
                Err(TryLockError::WouldBlock) => {
                    drop(held);
                    thread::yield_now();
                    first = second;
                }
            }
        };
        let (from_balance, to_balance) = (&mut *from_guard, &mut *to_guard);
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
        let guards: Vec<MutexGuard<'_, u64>> =
            (0..self.accounts.len()).map(|i| self.lock(i)).collect();
        guards.iter().map(|balance| **balance).sum()
    }

    fn lock(&self, account: usize) -> MutexGuard<'_, u64> {
        self.accounts[account]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
}
