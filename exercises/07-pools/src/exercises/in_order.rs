//! Exercise: put results that arrive out of order back in order, as they
//! come.
//!
//! A pool's workers finish in any order: result 5 may arrive before result
//! 0. `Pool.imap` still yields result 0 first, and yields it *as soon as it
//! has arrived*, without waiting for the others. The adapter below does that
//! for any iterator of `(index, value)` pairs.
#![allow(unused_variables, dead_code)]

use std::collections::BTreeMap;

// ANCHOR: starter
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
///
/// * It pulls from `source` only when the value it must yield next has not
///   arrived yet, and yields it as soon as it has: the value of index 0 comes
///   out while later pairs are still to come.
/// * Values that arrive early wait inside; [`InOrder::waiting`] says how many.
/// * After an `Err`, it yields nothing more.
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
        // TODO: if the next index is waiting in `early`, yield it. Otherwise
        // pull pairs from the source: the next index is yielded at once,
        // a later one waits in `early`, an earlier or repeated one is a
        // Duplicate. When the source ends, it is the end if nothing waits,
        // and a Missing index otherwise.
        todo!("yield the value of the next index as soon as it has arrived")
    }
}
// ANCHOR_END: starter
