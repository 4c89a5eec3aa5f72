//! WRONG: values yielded in the order they arrive (finishing order)
//! EXPECT: arrival order
//! CLAUSE: 1
//!
//! What `imap_unordered` does: simple, and the indexes are ignored.
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
        if self.done {
            return None;
        }
        match self.source.next() {
            Some((_, value)) => Some(Ok(value)),
            None => {
                self.done = true;
                None
            }
        }
    }
}
