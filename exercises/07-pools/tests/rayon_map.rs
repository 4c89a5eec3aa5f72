//! Tests of the rayon version, and that the three pools agree.

use pools::demos::process_pool::ProcessPool;
use pools::demos::rayon_map::{par_map_on, par_squares};
use pools::demos::tasks::square;
use pools::demos::thread_pool::ThreadPool;
use testkit::{DEADLINE, Rendezvous, within};

#[test]
fn par_squares_keeps_the_input_order() {
    let numbers: Vec<u64> = (0..100_000).rev().collect();
    let expected: Vec<u64> = numbers.iter().map(|x| x * x).collect();
    assert!(
        par_squares(&numbers) == expected,
        "rayon's collect keeps input order"
    );
}

#[test]
fn par_map_on_runs_on_that_many_threads_at_once() {
    let meet = Rendezvous::new(3);
    let met = within(
        DEADLINE,
        "3 rayon tasks meeting",
        "rayon ran fewer threads",
        move || par_map_on(3, |_: &u8| meet.wait(DEADLINE), &[0; 3]),
    );
    assert_eq!(met, vec![Ok(()); 3], "three rayon threads should meet");
}

#[test]
fn the_three_pools_agree() {
    let _clean = testkit::process_scope();
    let numbers: Vec<u64> = (0..5000).collect();
    let by_rayon = par_squares(&numbers);
    let by_threads = ThreadPool::new(3).map(square, numbers.clone()).unwrap();
    let by_processes = within(DEADLINE, "process map", "the pool hung", move || {
        let mut pool = ProcessPool::new(3).unwrap();
        // SAFETY: `square` only computes.
        unsafe { pool.map(square, &numbers) }.unwrap()
    });
    assert!(by_rayon == by_threads, "rayon and the thread pool disagree");
    assert!(
        by_rayon == by_processes,
        "rayon and the process pool disagree"
    );
}
