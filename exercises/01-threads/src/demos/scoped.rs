//! Scoped threads: threads that may borrow local data, because
//! `thread::scope` joins them all before it returns.

use std::thread;

// ANCHOR: parallel_sum
/// Sums `numbers` on `workers` threads, each summing one chunk in place.
pub fn parallel_sum(numbers: &[u64], workers: usize) -> u64 {
    let chunk_len = numbers.len().div_ceil(workers.max(1)).max(1);
    thread::scope(|s| {
        // Each thread borrows its chunk of `numbers`: no copy, no Arc.
        let handles: Vec<_> = numbers
            .chunks(chunk_len)
            .map(|chunk| s.spawn(move || chunk.iter().sum::<u64>()))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a summing thread panicked"))
            .sum()
    })
    // Every thread spawned on `s` has been joined here, so the borrows of
    // `numbers` are over before this function returns.
}
// ANCHOR_END: parallel_sum

// ANCHOR: count_words
/// Counts the words of each line, on `workers` threads. Each thread writes
/// into its own part of the result: a mutable borrow, with no lock.
pub fn count_words_per_line(lines: &[&str], workers: usize) -> Vec<usize> {
    let mut counts = vec![0; lines.len()];
    let chunk_len = lines.len().div_ceil(workers.max(1)).max(1);
    thread::scope(|s| {
        for (line_chunk, count_chunk) in lines.chunks(chunk_len).zip(counts.chunks_mut(chunk_len)) {
            s.spawn(move || {
                for (line, count) in line_chunk.iter().zip(count_chunk) {
                    *count = line.split_whitespace().count();
                }
            });
        }
        // No join here: the scope joins every thread it still owns.
    });
    counts
}
// ANCHOR_END: count_words

/// A short text to count words in.
pub const POEM: [&str; 4] = [
    "the kettle sings on the stove",
    "two threads dance across the floor",
    "nobody waits for the singer",
    "and main goes home",
];

// ANCHOR: run
/// Sums a million numbers on four threads and counts the words of a poem.
pub fn run() {
    let numbers: Vec<u64> = (1..=1_000_000).collect();
    let total = parallel_sum(&numbers, 4);
    println!("sum of 1..=1000000 on 4 threads: {total}");

    let counts = count_words_per_line(&POEM, 2);
    for (line, count) in POEM.iter().zip(&counts) {
        println!("{count} words: {line}");
    }
    // `numbers` and `counts` are still ours: the threads only borrowed them.
    println!("main: still own {} numbers", numbers.len());
}
// ANCHOR_END: run
