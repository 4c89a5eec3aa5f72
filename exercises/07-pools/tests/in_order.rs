//! Tests of the `in_order` exercise.
//!
//! The comparisons go through [`assert_yields`], which tells the usual
//! mistakes apart before it prints the rule a test checks: values in the
//! order they arrived, values after an error.

mod common;

use std::cell::Cell;
use std::fmt::Debug;
use std::rc::Rc;

use common::QUICK;
use pools::exercises::in_order::{OrderError, in_order};
use testkit::within;

/// Runs `in_order` over `source` and checks that it yields `expected` and
/// then ends. `rule` says what the test checks, for the message.
fn assert_yields<T: Clone + Debug + PartialEq>(
    source: &[(usize, T)],
    expected: &[Result<T, OrderError>],
    rule: &str,
) {
    // A few more than expected: enough to see values after the end, and a
    // bound for an adapter that never ends.
    let got: Vec<Result<T, OrderError>> =
        in_order(source.to_vec()).take(expected.len() + 3).collect();
    if got == expected {
        return;
    }
    let arrival: Vec<Result<T, OrderError>> = source.iter().map(|(_, v)| Ok(v.clone())).collect();
    assert!(
        got != arrival,
        "clause 1 (values in index order): the values came out in arrival order (the order the pairs came in), not in index order: \
         from {source:?} it yielded {got:?}, expected {expected:?}"
    );
    if let Some(error) = got.iter().position(Result::is_err) {
        assert!(
            error + 1 >= got.len(),
            "clause 5 (after an error or the end, None for ever): after an error, nothing more: from {source:?} it yielded {got:?}, expected {expected:?}"
        );
    }
    panic!("{rule}: from {source:?} it yielded {got:?}, expected {expected:?}");
}

#[test]
fn pairs_already_in_order_pass_through() {
    assert_yields(
        &[(0, 'a'), (1, 'b'), (2, 'c')],
        &[Ok('a'), Ok('b'), Ok('c')],
        "clause 1 (values in index order): pairs in order come out as they are",
    );
}

#[test]
fn pairs_in_reverse_come_out_in_order() {
    assert_yields(
        &[(3, 'd'), (2, 'c'), (1, 'b'), (0, 'a')],
        &[Ok('a'), Ok('b'), Ok('c'), Ok('d')],
        "clause 1 (values in index order): values come out in index order",
    );
}

#[test]
fn ten_thousand_shuffled_pairs() {
    // A fixed shuffle: multiplying by a number prime to 10_000 permutes 0..10_000.
    let source: Vec<(usize, usize)> = (0..10_000).map(|i| (i * 7919 % 10_000, i)).collect();
    let mut by_index = source.clone();
    by_index.sort();
    let expected: Vec<Result<usize, OrderError>> = by_index.iter().map(|&(_, v)| Ok(v)).collect();
    assert_yields(
        &source,
        &expected,
        "clause 1 (values in index order): 10 000 values in index order",
    );
}

#[test]
fn no_pairs_nothing_out() {
    assert_yields::<u8>(
        &[],
        &[],
        "clause 1 (values in index order): no pairs, nothing out",
    );
}

const PULLED_TOO_MUCH: &str =
    "clause 2 (each value as soon as it can be): in_order pulled more than it needed";

#[test]
fn it_pulls_no_more_than_it_needs() {
    let pulled = Rc::new(Cell::new(0));
    let counter = Rc::clone(&pulled);
    let source = [(1, 'b'), (0, 'a'), (2, 'c'), (3, 'd')]
        .into_iter()
        .inspect(move |_| counter.set(counter.get() + 1));
    let mut ordered = in_order(source);
    let first = ordered.next();
    assert!(
        pulled.get() <= 2,
        "{PULLED_TOO_MUCH}: index 0 was the second pair, yet it pulled {} pairs before \
         yielding it (and yielded {first:?}): yield each value as soon as it has arrived",
        pulled.get()
    );
    assert_eq!(
        first,
        Some(Ok('a')),
        "clause 1 (values in index order): from [(1, 'b'), (0, 'a'), ...] the first value is index 0's"
    );
    assert_eq!(
        ordered.waiting(),
        1,
        "clause 2 (each value as soon as it can be): index 1 waits inside"
    );
    let second = ordered.next();
    assert!(
        pulled.get() == 2,
        "{PULLED_TOO_MUCH}: index 1 was waiting inside, yet it pulled another pair (look in \
         what waits before pulling)"
    );
    assert_eq!(
        second,
        Some(Ok('b')),
        "clause 1 (values in index order): the second value is index 1's"
    );
    assert_eq!(
        ordered.waiting(),
        0,
        "clause 2 (each value as soon as it can be): a value yielded no longer waits"
    );
    assert_eq!(
        ordered.next(),
        Some(Ok('c')),
        "clause 1 (values in index order): the third value is index 2's"
    );
    assert_eq!(
        pulled.get(),
        3,
        "clause 2 (each value as soon as it can be): three pairs pulled for three values"
    );
}

#[test]
fn it_yields_while_the_source_is_still_open() {
    // The source is a channel whose sender stays open: a solution that waits
    // for the end of the source before yielding never yields.
    let (results, arrivals) = crossbeam_channel::unbounded();
    results.send((1, "one")).unwrap();
    results.send((0, "zero")).unwrap();
    let (ordered, results) = within(
        QUICK,
        "clause 2 (each value as soon as it can be): in_order over an open channel",
        &format!(
            "{PULLED_TOO_MUCH}: it waited for more pairs although index 0 and then index 1 \
             had arrived; yield each value as soon as it has arrived, and look in what waits \
             before pulling"
        ),
        move || {
            let mut ordered = in_order(arrivals);
            let first_two = [ordered.next(), ordered.next()];
            assert_eq!(
                first_two,
                [Some(Ok("zero")), Some(Ok("one"))],
                "clause 1 (values in index order): index 0's value, then index 1's"
            );
            (ordered, results)
        },
    );
    results.send((2, "two")).unwrap();
    drop(results);
    let rest: Vec<_> = ordered.collect();
    assert_eq!(
        rest,
        vec![Ok("two")],
        "clause 1 (values in index order): index 2's value, then the end"
    );
}

#[test]
fn a_repeated_index_is_an_error() {
    assert_yields(
        &[(0, 'a'), (1, 'b'), (1, 'B'), (2, 'c')],
        &[Ok('a'), Ok('b'), Err(OrderError::Duplicate(1))],
        "clause 3 (a repeated index is Err(Duplicate)): an index already yielded came again: Err(Duplicate(1))",
    );
    assert_yields(
        &[(2, 'c'), (2, 'C'), (0, 'a')],
        &[Err(OrderError::Duplicate(2))],
        "clause 3 (a repeated index is Err(Duplicate)): an index already waiting came again: Err(Duplicate(2))",
    );
}

#[test]
fn a_missing_index_is_an_error_at_the_end() {
    assert_yields(
        &[(0, 'a'), (2, 'c'), (3, 'd')],
        &[Ok('a'), Err(OrderError::Missing(1))],
        "clause 4 (a missing index is Err(Missing) at the end): the source ended while index 1 was missing, with 2 and 3 waiting behind it: \
         Err(Missing(1)), not a quiet end",
    );
}

#[test]
fn after_the_end_it_stays_ended() {
    assert_yields(
        &[(1, 'b')],
        &[Err(OrderError::Missing(0))],
        "clause 4 (a missing index is Err(Missing) at the end): index 0 never came: Err(Missing(0)), then nothing more",
    );
    let mut ordered = in_order(vec![(0, 'a')]);
    assert_eq!(
        ordered.next(),
        Some(Ok('a')),
        "clause 1 (values in index order): the one value"
    );
    for _ in 0..3 {
        assert_eq!(
            ordered.next(),
            None,
            "clause 5 (after an error or the end, None for ever): after the end, next() keeps returning None"
        );
    }
}
