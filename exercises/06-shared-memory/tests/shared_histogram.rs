//! Exercise `shared_histogram`: several processes count their chunk of the
//! input into shared atomic buckets; the totals are exact.

use std::cell::Cell;
use std::io::ErrorKind;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use shared_memory::demos::region::{SharedSlice, SharedValue};
use shared_memory::demos::start_line::StartLine;
use shared_memory::exercises::shared_histogram::histogram;
use testkit::within;

/// How long a call that forks a few children may take before the test calls
/// it stuck: far more than it takes on a loaded machine, short enough that a
/// wrong solution fails the whole file within 10 s.
const PATIENCE: Duration = Duration::from_secs(4);

/// How long a worker waits at the start line for the others.
const WAIT_IN_CHILD: Duration = Duration::from_secs(2);

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

const EVERY_BYTE: &str = "clause 1 (every byte counted once, in its bucket)";
const NOT_LOST: &str = "clause 4 (concurrent adds to one bucket are not lost)";

/// Compares the counts with the expected ones and, if they differ, fails
/// with what the difference suggests, naming the clause: `if_short` when
/// some bytes were counted but too few (in a setting where every chunk is
/// whole, only lost updates do that), clause 1 otherwise.
fn check_counts(got: &[u64], want: &[u64], if_short: &str, setting: &str) {
    if got == want {
        return;
    }
    let first = match got.iter().zip(want).position(|(g, w)| g != w) {
        Some(i) => format!("bucket {i}: expected {}, got {}", want[i], got[i]),
        None => format!("expected {} buckets, got {}", want.len(), got.len()),
    };
    let (counted, total) = (got.iter().sum::<u64>(), want.iter().sum::<u64>());
    let cause = if counted == 0 && total > 0 {
        "Nothing was counted: are the buckets shared (mapped before the first fork)? \
         Counts written to private memory stay in the child. Or does every byte belong to \
         exactly one chunk?"
            .to_owned()
    } else {
        format!(
            "{counted} bytes counted out of {total}. Does every byte belong to exactly one \
             chunk (the last ones included)? And is every add one fetch_add? A load then a \
             store loses the updates another process makes in between (lost updates)"
        )
    };
    let clause = if counted > 0 && counted < total {
        if_short
    } else {
        EVERY_BYTE
    };
    panic!(
        "{clause}: {setting}: the counts differ from a count in one process, first at {first}. {cause}"
    );
}

#[test]
fn counts_every_byte_value_exactly() {
    let _clean = testkit::process_scope();
    let data = sample(200_000);
    let want = count_here(&data, 256, usize::from);
    let got = within(
        PATIENCE,
        "clause 1 (every byte counted once, in its bucket): histogram",
        LIKELY,
        move || {
            // SAFETY: bucket_of is a conversion.
            unsafe { histogram(&data, 256, 4, usize::from) }
                .expect("clause 1 (every byte counted once, in its bucket): histogram failed")
        },
    );
    check_counts(&got, &want, NOT_LOST, "4 workers, 256 buckets");
}

#[test]
fn coarse_buckets_and_uneven_chunks() {
    let _clean = testkit::process_scope();
    let data = sample(10_007); // not a multiple of 3
    let by_sixteen = |b: u8| usize::from(b / 16);
    let want = count_here(&data, 16, by_sixteen);
    let got = within(
        PATIENCE,
        "clause 1 (every byte counted once, in its bucket): histogram",
        LIKELY,
        move || {
            // SAFETY: bucket_of is a division.
            unsafe { histogram(&data, 16, 3, by_sixteen) }
                .expect("clause 1 (every byte counted once, in its bucket): histogram failed")
        },
    );
    check_counts(
        &got,
        &want,
        EVERY_BYTE,
        "3 workers over 10_007 bytes, 16 buckets",
    );
}

#[test]
fn more_workers_than_bytes() {
    let _clean = testkit::process_scope();
    let got = within(
        PATIENCE,
        "clause 1 (every byte counted once, in its bucket): histogram",
        LIKELY,
        || {
            // SAFETY: bucket_of is a conversion.
            unsafe { histogram(&[3, 1, 3], 4, 8, usize::from) }
                .expect("clause 1 (every byte counted once, in its bucket): histogram failed")
        },
    );
    check_counts(
        &got,
        &[0, 1, 0, 2],
        EVERY_BYTE,
        "8 workers over 3 bytes (five chunks are empty)",
    );
}

#[test]
fn zero_workers_is_invalid_input() {
    let _clean = testkit::process_scope();
    let outcome = within(
        PATIENCE,
        "clause 2 (0 workers is InvalidInput): histogram with 0 workers",
        LIKELY,
        || {
            // SAFETY: bucket_of is a conversion.
            unsafe { histogram(&[1, 2, 3], 4, 0, usize::from) }
        },
    );
    let error = outcome.expect_err(
        "clause 2 (0 workers is InvalidInput): 0 workers cannot count anything: expected an error",
    );
    assert_eq!(
        error.kind(),
        ErrorKind::InvalidInput,
        "clause 2 (0 workers is InvalidInput): wrong kind of error: {error}"
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
    let data_copy = data.clone();
    let parent = u64::from(std::process::id());
    let (got, seen_pids, missed) = within(
        PATIENCE,
        "clause 3 (counted in the workers, all at once): histogram",
        LIKELY,
        move || {
            // Private memory: after the fork, each child has a copy of its own.
            let first_call = Cell::new(true);
            // SAFETY: bucket_of uses a Cell of the child's own memory, atomics
            // in shared memory, getpid, the clock and sched_yield.
            let got = unsafe {
            histogram(&data, 2, WORKERS, |b| {
                if first_call.replace(false) {
                    assert_ne!(
                        u64::from(std::process::id()),
                        parent,
                        "clause 3 (counted in the workers, all at once): bucket_of ran in the parent (pid {parent}): count in the children"
                    );
                    let me = u64::from(std::process::id());
                    let _ = pids.iter().find(|slot| {
                        slot.compare_exchange(0, me, Ordering::Relaxed, Ordering::Relaxed)
                            .is_ok()
                    });
                    if start.wait(WORKERS as u32, WAIT_IN_CHILD).is_err() {
                        missed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                usize::from(b & 1)
            })
        }
        .expect("clause 3 (counted in the workers, all at once): histogram failed");
            let seen: Vec<u64> = pids
                .iter()
                .map(|p| p.load(Ordering::Relaxed))
                .filter(|&p| p != 0)
                .collect();
            (got, seen, missed.load(Ordering::Relaxed))
        },
    );
    assert!(
        !seen_pids.contains(&parent),
        "clause 3 (counted in the workers, all at once): bucket_of ran in the parent (pid {parent}): count in the children"
    );
    assert_eq!(
        seen_pids.len(),
        WORKERS,
        "clause 3 (counted in the workers, all at once): expected {WORKERS} worker processes to call bucket_of, saw pids {seen_pids:?}"
    );
    assert_eq!(
        missed, 0,
        "clause 3 (counted in the workers, all at once): {missed} of the workers gave up waiting for the others: they did not count at the \
         same time. Start every child before joining the first one"
    );
    check_counts(
        &got,
        &count_here(&data_copy, 2, |b| usize::from(b & 1)),
        EVERY_BYTE,
        "4 workers, 2 buckets",
    );
}

#[test]
fn a_worker_that_fails_makes_the_call_fail() {
    let _clean = testkit::process_scope();
    let parent = std::process::id();
    let outcome = within(
        PATIENCE,
        "clause 5 (a failed worker fails the call): histogram",
        LIKELY,
        move || {
            // Byte 200 falls in bucket 200 of 4: the worker that meets it panics.
            // SAFETY: bucket_of converts, and before byte 200 sends descriptor 2
            // to /dev/null (open and dup2); the panic is reported with write(2).
            unsafe {
                histogram(&[1, 2, 200, 3], 4, 2, |b| {
                    assert_ne!(
                        std::process::id(),
                        parent,
                        "clause 3 (counted in the workers, all at once): bucket_of ran in the parent (pid {parent}): count in the children"
                    );
                    if b == 200 {
                        testkit::silence_stderr(); // a failure on purpose, not noise
                    }
                    usize::from(b)
                })
            }
        },
    );
    assert!(
        outcome.is_err(),
        "clause 5 (a failed worker fails the call): a worker died (bucket 200 of 4), so the counts are incomplete: expected an error, \
         got {outcome:?}. Check the exit status of every worker"
    );
}

#[test]
fn concurrent_adds_to_one_bucket_are_not_lost() {
    let _clean = testkit::process_scope();
    const WORKERS: usize = 4;
    const EACH: usize = 16_000_000;
    // One bucket that every worker adds to, all at once: the workers meet at
    // a start line on their first byte, then each adds 16 000 000 times (longer than a time slice, so that they also overlap on a busy machine).
    let start = SharedValue::<StartLine>::new().expect("mmap failed");
    let data = vec![7u8; WORKERS * EACH];
    let parent = u64::from(std::process::id());
    let got = within(
        PATIENCE,
        "clause 4 (concurrent adds to one bucket are not lost): histogram",
        LIKELY,
        move || {
            let first_call = Cell::new(true);
            // SAFETY: bucket_of uses a Cell of the child's own memory and the
            // start line (atomics in shared memory, the clock, sched_yield).
            unsafe {
            histogram(&data, 1, WORKERS, |_| {
                if first_call.replace(false) {
                    assert_ne!(
                        u64::from(std::process::id()),
                        parent,
                        "clause 3 (counted in the workers, all at once): bucket_of ran in the parent (pid {parent}): count in the children"
                    );
                    let _ = start.wait(WORKERS as u32, WAIT_IN_CHILD);
                }
                0
            })
        }
        .expect("clause 4 (concurrent adds to one bucket are not lost): histogram failed")
        },
    );
    check_counts(
        &got,
        &[(WORKERS * EACH) as u64],
        NOT_LOST,
        "4 workers adding to one bucket at the same time",
    );
}

/// Each byte of `data` is its own position, so that `bucket_of` sees which
/// part of `data` the child that calls it counts: the test records, per
/// child, the lowest and highest position and how many it saw.
#[test]
fn the_chunks_are_contiguous_and_differ_by_at_most_one() {
    let _clean = testkit::process_scope();
    for (len, workers) in [(10usize, 4usize), (9, 6), (23, 4), (7, 7), (1, 3)] {
        // pid, lowest, highest, how many: per child, in shared memory.
        let table = SharedSlice::<AtomicU64>::new(4 * workers).expect("mmap failed");
        for (slot, field) in table.iter().enumerate() {
            if slot % 4 == 1 {
                field.store(u64::MAX, Ordering::Relaxed);
            }
        }
        let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let seen = within(
            PATIENCE,
            "clause 6 (contiguous chunks whose lengths differ by at most one): histogram",
            LIKELY,
            move || {
                let mine = Cell::new(None::<usize>);
                // SAFETY: bucket_of uses a Cell of the child's own memory,
                // atomics in shared memory and getpid.
                unsafe {
                    histogram(&data, 1, workers, |b| {
                        let at = mine.get().unwrap_or_else(|| {
                            let me = u64::from(std::process::id());
                            let at = (0..workers)
                                .find(|w| {
                                    table[4 * w]
                                        .compare_exchange(0, me, Ordering::Relaxed, Ordering::Relaxed)
                                        .is_ok()
                                })
                                .expect("more children called bucket_of than there are workers");
                            mine.set(Some(at));
                            at
                        });
                        table[4 * at + 1].fetch_min(u64::from(b), Ordering::Relaxed);
                        table[4 * at + 2].fetch_max(u64::from(b), Ordering::Relaxed);
                        table[4 * at + 3].fetch_add(1, Ordering::Relaxed);
                        0
                    })
                }
                .expect("clause 6 (contiguous chunks whose lengths differ by at most one): histogram failed");
                let fields: Vec<u64> = table.iter().map(|f| f.load(Ordering::Relaxed)).collect();
                fields
            },
        );
        let mut chunks: Vec<(u64, u64, u64)> = seen
            .chunks(4)
            .filter(|child| child[0] != 0)
            .map(|child| (child[1], child[2], child[3]))
            .collect();
        chunks.sort();
        for &(low, high, count) in &chunks {
            assert_eq!(
                high - low + 1,
                count,
                "clause 6 (contiguous chunks whose lengths differ by at most one): {len} bytes, \
                 {workers} workers: one child counted {count} bytes between positions {low} and \
                 {high}: a chunk is one contiguous run of data"
            );
        }
        let mut lengths: Vec<u64> = chunks.iter().map(|&(_, _, count)| count).collect();
        lengths.resize(workers.max(lengths.len()), 0); // the children with empty chunks
        let (least, most) = (lengths.iter().min(), lengths.iter().max());
        assert!(
            most.zip(least)
                .is_some_and(|(most, least)| most - least <= 1),
            "clause 6 (contiguous chunks whose lengths differ by at most one): {len} bytes, \
             {workers} workers: the chunks had {lengths:?} bytes (empty ones as 0); their \
             lengths must differ by at most one. Cutting chunks of len.div_ceil(workers) bytes \
             leaves the last ones short or empty: give each len / workers bytes and the first \
             len % workers one more"
        );
    }
}
