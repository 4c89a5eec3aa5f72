//! ALT: a window of slots (`VecDeque<Option<T>>`) instead of a `BTreeMap`
//!
//! Slot 0 is the next index to yield, slot k the index k after it: a value
//! that arrives early goes straight into its slot, and yielding pops the
//! front. Memory grows with the distance between the next index and the
//! latest one seen, not with the number of values waiting.

use std::collections::VecDeque;

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
    slots: VecDeque<Option<T>>,
    waiting: usize,
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
        slots: VecDeque::new(),
        waiting: 0,
        done: false,
    }
}

impl<I, T> InOrder<I, T> {
    /// How many values arrived early and wait for the ones in front of them.
    pub fn waiting(&self) -> usize {
        self.waiting
    }

    /// Takes the value in the front slot, if it has arrived.
    fn pop_ready(&mut self) -> Option<T> {
        let value = self.slots.front_mut()?.take()?;
        self.slots.pop_front();
        self.waiting -= 1;
        self.next_index += 1;
        Some(value)
    }

    fn fail(&mut self, error: OrderError) -> Option<Result<T, OrderError>> {
        self.done = true;
        self.slots.clear();
        self.waiting = 0;
        Some(Err(error))
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
        loop {
            if let Some(value) = self.pop_ready() {
                return Some(Ok(value));
            }
            let Some((index, value)) = self.source.next() else {
                if self.waiting == 0 {
                    self.done = true;
                    return None;
                }
                return self.fail(OrderError::Missing(self.next_index));
            };
            let Some(offset) = index.checked_sub(self.next_index) else {
                return self.fail(OrderError::Duplicate(index));
            };
            if self.slots.len() <= offset {
                self.slots.resize_with(offset + 1, || None);
            }
            if self.slots[offset].is_some() {
                return self.fail(OrderError::Duplicate(index));
            }
            self.slots[offset] = Some(value);
            self.waiting += 1;
        }
    }
}
