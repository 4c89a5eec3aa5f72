//! WRONG: after an error it carries on with the next pairs
//! EXPECT: after an error, nothing more
//! CLAUSE: 5
//!
//! `done` is never set, so the caller who stops at the first `Err` is fine,
//! but one who keeps calling `next` gets values after the error.
#![allow(dead_code)]

use std::collections::BTreeMap;

/// What can be wrong with the indexes of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderError {
    /// This index came a second time (or after it had been yielded).
    Duplicate(usize),
    /// The source ended while this index was still missing, with later
    /// values waiting behind it.
    Missing(usize),
}

/// Yields the values of `source` in index order: first index 0, then 1, ...
pub struct InOrder<I, T> {
    source: I,
    next_index: usize,
    early: BTreeMap<usize, T>,
    done: bool,
}

/// `InOrder` over any source of `(index, value)` pairs.
pub fn in_order<S, T>(source: S) -> InOrder<S::IntoIter, T>
where
    S: IntoIterator<Item = (usize, T)>,
{
    InOrder {
        source: source.into_iter(),
        next_index: 0,
        early: BTreeMap::new(),
        done: false,
    }
}

impl<I, T> InOrder<I, T> {
    /// How many values arrived early and wait for the ones in front of them.
    pub fn waiting(&self) -> usize {
        self.early.len()
    }
}

impl<I, T> Iterator for InOrder<I, T>
where
    I: Iterator<Item = (usize, T)>,
{
    type Item = Result<T, OrderError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(value) = self.early.remove(&self.next_index) {
            self.next_index += 1;
            return Some(Ok(value));
        }
        loop {
            match self.source.next() {
                Some((index, value)) if index == self.next_index => {
                    self.next_index += 1;
                    return Some(Ok(value));
                }
                Some((index, _)) if index < self.next_index || self.early.contains_key(&index) => {
                    return Some(Err(OrderError::Duplicate(index)));
                }
                Some((index, value)) => {
                    self.early.insert(index, value);
                }
                None if self.early.is_empty() => return None,
                None => {
                    let missing = self.next_index;
                    self.next_index += 1;
                    return Some(Err(OrderError::Missing(missing)));
                }
            }
        }
    }
}
