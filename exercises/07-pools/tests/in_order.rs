//! Tests of the `in_order` exercise.

use std::cell::Cell;
use std::rc::Rc;

use pools::exercises::in_order::{OrderError, in_order};
use testkit::{DEADLINE, within};

fn all<T>(source: Vec<(usize, T)>) -> Vec<Result<T, OrderError>> {
    in_order(source).collect()
}

#[test]
fn pairs_already_in_order_pass_through() {
    let got = all(vec![(0, 'a'), (1, 'b'), (2, 'c')]);
    assert_eq!(got, vec![Ok('a'), Ok('b'), Ok('c')]);
}

#[test]
fn pairs_in_reverse_come_out_in_order() {
    let got = all(vec![(3, 'd'), (2, 'c'), (1, 'b'), (0, 'a')]);
    assert_eq!(got, vec![Ok('a'), Ok('b'), Ok('c'), Ok('d')]);
}

#[test]
fn ten_thousand_shuffled_pairs() {
    // A fixed shuffle: multiplying by a number prime to 10_000 permutes 0..10_000.
    let source: Vec<(usize, usize)> = (0..10_000).map(|i| (i * 7919 % 10_000, i)).collect();
    let got: Vec<usize> = in_order(source)
        .map(|r| r.expect("no error expected"))
        .collect();
    assert_eq!(got.len(), 10_000, "every value must come out once");
    for (index, value) in got.iter().enumerate() {
        assert_eq!(
            value * 7919 % 10_000,
            index,
            "value {value} came out at place {index}"
        );
    }
}

#[test]
fn no_pairs_nothing_out() {
    assert_eq!(all::<u8>(vec![]), vec![]);
}

#[test]
fn it_pulls_no_more_than_it_needs() {
    let pulled = Rc::new(Cell::new(0));
    let counter = Rc::clone(&pulled);
    let source = [(1, 'b'), (0, 'a'), (2, 'c'), (3, 'd')]
        .into_iter()
        .inspect(move |_| counter.set(counter.get() + 1));
    let mut ordered = in_order(source);
    assert_eq!(ordered.next(), Some(Ok('a')));
    assert_eq!(
        pulled.get(),
        2,
        "index 0 was the second pair: pull two, no more"
    );
    assert_eq!(ordered.waiting(), 1, "index 1 waits inside");
    assert_eq!(ordered.next(), Some(Ok('b')));
    assert_eq!(
        pulled.get(),
        2,
        "index 1 was waiting inside: no need to pull"
    );
    assert_eq!(ordered.waiting(), 0, "a value yielded no longer waits");
    assert_eq!(ordered.next(), Some(Ok('c')));
    assert_eq!(pulled.get(), 3);
}

#[test]
fn it_yields_while_the_source_is_still_open() {
    // The source is a channel whose sender stays open: a solution that waits
    // for the end of the source before yielding never yields.
    let (results, arrivals) = crossbeam_channel::unbounded();
    results.send((1, "one")).unwrap();
    results.send((0, "zero")).unwrap();
    let (ordered, results) = within(
        DEADLINE,
        "in_order over an open channel",
        "in_order waited for more than it needed: yield index 0 as soon as it has arrived, \
         without waiting for the source to end",
        move || {
            let mut ordered = in_order(arrivals);
            let first_two = [ordered.next(), ordered.next()];
            assert_eq!(first_two, [Some(Ok("zero")), Some(Ok("one"))]);
            (ordered, results)
        },
    );
    results.send((2, "two")).unwrap();
    drop(results);
    let rest: Vec<_> = ordered.collect();
    assert_eq!(rest, vec![Ok("two")]);
}

#[test]
fn a_repeated_index_is_an_error() {
    assert_eq!(
        all(vec![(0, 'a'), (1, 'b'), (1, 'B'), (2, 'c')]),
        vec![Ok('a'), Ok('b'), Err(OrderError::Duplicate(1))],
        "an index already yielded came again; nothing after the error"
    );
    assert_eq!(
        all(vec![(2, 'c'), (2, 'C'), (0, 'a')]),
        vec![Err(OrderError::Duplicate(2))],
        "an index already waiting came again"
    );
}

#[test]
fn a_missing_index_is_an_error_at_the_end() {
    assert_eq!(
        all(vec![(0, 'a'), (2, 'c'), (3, 'd')]),
        vec![Ok('a'), Err(OrderError::Missing(1))],
        "index 1 never came, while 2 and 3 waited behind it"
    );
}

#[test]
fn after_the_end_it_stays_ended() {
    let mut ordered = in_order(vec![(1, 'b')]);
    assert_eq!(ordered.next(), Some(Err(OrderError::Missing(0))));
    assert_eq!(ordered.next(), None);
    assert_eq!(ordered.next(), None);
}
