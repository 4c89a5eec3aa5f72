//! A price list read by many threads at once and updated by one at a time.

use std::collections::BTreeMap;
use std::sync::RwLock;

// ANCHOR: price_list
/// Prices in cents, by item name, behind a readers-writer lock.
#[derive(Debug, Default)]
pub struct PriceList {
    prices: RwLock<BTreeMap<String, u64>>,
}

impl PriceList {
    /// A price list holding `items`.
    pub fn new<'a>(items: impl IntoIterator<Item = (&'a str, u64)>) -> Self {
        let prices = items.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        PriceList {
            prices: RwLock::new(prices),
        }
    }

    /// Runs `look` with shared access: any number of readers at once.
    pub fn read<R>(&self, look: impl FnOnce(&BTreeMap<String, u64>) -> R) -> R {
        let prices = self.prices.read().unwrap();
        look(&prices)
    }

    /// Runs `change` with exclusive access: no reader and no other writer
    /// until it returns.
    pub fn write<R>(&self, change: impl FnOnce(&mut BTreeMap<String, u64>) -> R) -> R {
        let mut prices = self.prices.write().unwrap();
        change(&mut prices)
    }
}
// ANCHOR_END: price_list

impl PriceList {
    /// The price of `item`, if it is listed.
    pub fn price(&self, item: &str) -> Option<u64> {
        self.read(|prices| prices.get(item).copied())
    }

    /// Like [`read`](Self::read), but gives up at once with `None` if a
    /// writer holds the lock instead of waiting for it.
    pub fn try_read<R>(&self, look: impl FnOnce(&BTreeMap<String, u64>) -> R) -> Option<R> {
        match self.prices.try_read() {
            Ok(prices) => Some(look(&prices)),
            Err(std::sync::TryLockError::WouldBlock) => None,
            Err(std::sync::TryLockError::Poisoned(e)) => Some(look(&e.into_inner())),
        }
    }

    /// Like [`write`](Self::write), but gives up at once with `None` if
    /// anyone, reader or writer, holds the lock.
    pub fn try_write<R>(&self, change: impl FnOnce(&mut BTreeMap<String, u64>) -> R) -> Option<R> {
        match self.prices.try_write() {
            Ok(mut prices) => Some(change(&mut prices)),
            Err(std::sync::TryLockError::WouldBlock) => None,
            Err(std::sync::TryLockError::Poisoned(e)) => Some(change(&mut e.into_inner())),
        }
    }
}

// ANCHOR: readers_and_writer
/// Starts `readers` threads that each total the price list `rounds` times
/// while one writer raises every price by one cent, `rounds` times, in a
/// single write. Returns the totals the readers saw, in the order each one
/// saw them.
///
/// A reader sees either all of a raise or none of it, so every total it
/// reports is `start + k * items` for some `k`, and never goes down.
pub fn readers_and_writer(list: &PriceList, readers: usize, rounds: usize) -> Vec<Vec<u64>> {
    let start = std::sync::Barrier::new(readers + 1); // everyone starts together
    std::thread::scope(|s| {
        let reading: Vec<_> = (0..readers)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    (0..rounds)
                        .map(|_| list.read(|prices| prices.values().sum::<u64>()))
                        .collect::<Vec<u64>>()
                })
            })
            .collect();
        s.spawn(|| {
            start.wait();
            for _ in 0..rounds {
                list.write(|prices| prices.values_mut().for_each(|p| *p += 1));
            }
        });
        reading.into_iter().map(|r| r.join().unwrap()).collect()
    })
}
// ANCHOR_END: readers_and_writer
