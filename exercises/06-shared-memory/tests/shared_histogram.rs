//! Exercise `shared_histogram`: several processes count their chunk of the
//! input into shared atomic buckets; the totals are exact.

use std::cell::Cell;
use std::io::ErrorKind;
use std::sync::atomic::{AtomicU64, Ordering};

use shared_memory::demos::region::{SharedSlice, SharedValue};
use shared_memory::demos::start_line::StartLine;
use shared_memory::exercises::shared_histogram::histogram;
use testkit::{DEADLINE, within};

const LIKELY: &str = "a worker never exited, or the parent waits for something that never \
                      comes: join every child once, and only after starting them all";

/// Bytes that look random, the same on every run.
fn sample(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x2545_f491;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect()
}

fn count_here(data: &[u8], buckets: usize, bucket_of: impl Fn(u8) -> usize) -> Vec<u64> {
    let mut counts = vec![0; buckets];
    for &b in data {
        counts[bucket_of(b)] += 1;
    }
    counts
}

fn first_difference(got: &[u64], want: &[u64]) -> String {
    match got.iter().zip(want).position(|(g, w)| g != w) {
        Some(i) => format!("bucket {i}: expected {}, got {}", want[i], got[i]),
        None => format!("expected {} buckets, got {}", want.len(), got.len()),
    }
}

#[test]
fn counts_every_byte_value_exactly() {
    let _clean = testkit::process_scope();
    let data = sample(200_000);
    let want = count_here(&data, 256, usize::from);
    let got = within(DEADLINE, "histogram", LIKELY, move || {
        histogram(&data, 256, 4, usize::from).expect("histogram failed")
    });
    assert!(
        got == want,
        "4 workers, 256 buckets: the counts differ from a count in one process, first at {}. \
         Are the buckets shared (mapped before fork), and do the workers add with fetch_add?",
        first_difference(&got, &want)
    );
}

#[test]
fn coarse_buckets_and_uneven_chunks() {
    let _clean = testkit::process_scope();
    let data = sample(10_007); // not a multiple of 3
    let by_sixteen = |b: u8| usize::from(b / 16);
    let want = count_here(&data, 16, by_sixteen);
    let got = within(DEADLINE, "histogram", LIKELY, move || {
        histogram(&data, 16, 3, by_sixteen).expect("histogram failed")
    });
    assert!(
        got == want,
        "3 workers over 10_007 bytes, 16 buckets: first difference at {}. \
         Does every byte belong to exactly one chunk (the last ones included)?",
        first_difference(&got, &want)
    );
    assert_eq!(
        got.iter().sum::<u64>(),
        10_007,
        "every byte should be counted once"
    );
}

#[test]
fn more_workers_than_bytes() {
    let _clean = testkit::process_scope();
    let got = within(DEADLINE, "histogram", LIKELY, || {
        histogram(&[3, 1, 3], 4, 8, usize::from).expect("histogram failed")
    });
    assert_eq!(
        got,
        vec![0, 1, 0, 2],
        "8 workers over 3 bytes: five chunks are empty, and every byte is still counted once"
    );
}

#[test]
fn zero_workers_is_invalid_input() {
    let _clean = testkit::process_scope();
    let outcome = within(DEADLINE, "histogram with 0 workers", LIKELY, || {
        histogram(&[1, 2, 3], 4, 0, usize::from)
    });
    let error = outcome.expect_err("0 workers cannot count anything: expected an error");
    assert_eq!(
        error.kind(),
        ErrorKind::InvalidInput,
        "wrong kind of error: {error}"
    );
}

#[test]
fn the_workers_are_children_counting_at_the_same_time() {
    let _clean = testkit::process_scope();
    const WORKERS: usize = 4;
    // Shared with the workers, because mapped before the call forks them:
    // a start line, and a table where each process that classifies a byte
    // writes its pid once.
    let start = SharedValue::<StartLine>::new().expect("mmap failed");
    let missed = SharedValue::<AtomicU64>::new().expect("mmap failed");
    let pids = SharedSlice::<AtomicU64>::new(64).expect("mmap failed");
    let data = sample(4_000);
    let (got, seen_pids, missed) = within(DEADLINE, "histogram", LIKELY, move || {
        // Private memory: after the fork, each child has a copy of its own.
        let first_call = Cell::new(true);
        let got = histogram(&data, 2, WORKERS, |b| {
            if first_call.replace(false) {
                let me = u64::from(std::process::id());
                let _ = pids.iter().find(|slot| {
                    slot.compare_exchange(0, me, Ordering::Relaxed, Ordering::Relaxed)
                        .is_ok()
                });
                if start.wait(WORKERS as u32, DEADLINE / 2).is_err() {
                    missed.fetch_add(1, Ordering::Relaxed);
                }
            }
            usize::from(b & 1)
        })
        .expect("histogram failed");
        let seen: Vec<u64> = pids
            .iter()
            .map(|p| p.load(Ordering::Relaxed))
            .filter(|&p| p != 0)
            .collect();
        (got, seen, missed.load(Ordering::Relaxed))
    });
    assert_eq!(
        got.iter().sum::<u64>(),
        4_000,
        "every byte should be counted once"
    );
    let parent = u64::from(std::process::id());
    assert!(
        !seen_pids.contains(&parent),
        "bucket_of ran in the parent (pid {parent}): count in the children"
    );
    assert_eq!(
        seen_pids.len(),
        WORKERS,
        "expected {WORKERS} worker processes to call bucket_of, saw pids {seen_pids:?}"
    );
    assert_eq!(
        missed, 0,
        "{missed} of the workers gave up waiting for the others: they did not count at the \
         same time. Start every child before joining the first one"
    );
}

#[test]
fn a_worker_that_fails_makes_the_call_fail() {
    let _clean = testkit::process_scope();
    let outcome = within(DEADLINE, "histogram", LIKELY, || {
        // Byte 200 falls in bucket 200 of 4: the worker that meets it panics.
        histogram(&[1, 2, 200, 3], 4, 2, usize::from)
    });
    assert!(
        outcome.is_err(),
        "a worker died (bucket 200 of 4), so the counts are incomplete: expected an error, \
         got {outcome:?}"
    );
}
