//! Tests of the `chunking` exercise: hand-written property tests over many
//! sizes.

use std::ops::Range;

use pools::demos::process_pool::python_chunksize;
use pools::exercises::chunking::{chunk_ranges, even_ranges};

/// Every index of 0..len exactly once, in order, no empty chunk.
fn assert_covers(len: usize, chunks: &[Range<usize>], what: &str) {
    let mut next = 0;
    for chunk in chunks {
        assert_eq!(
            chunk.start, next,
            "{what}: a chunk starts at {} but the previous one ended at {next} \
             (a gap or an overlap) in {chunks:?}",
            chunk.start
        );
        assert!(
            chunk.end > chunk.start,
            "{what}: empty chunk {chunk:?} in {chunks:?}"
        );
        next = chunk.end;
    }
    assert_eq!(
        next, len,
        "{what}: the chunks end at {next}, not at {len}: {chunks:?}"
    );
}

#[test]
fn chunk_ranges_examples() {
    assert_eq!(chunk_ranges(10, 4), vec![0..4, 4..8, 8..10]);
    assert_eq!(chunk_ranges(8, 4), vec![0..4, 4..8]);
    assert_eq!(chunk_ranges(3, 10), vec![0..3]);
    assert_eq!(chunk_ranges(0, 4), vec![]);
    assert_eq!(chunk_ranges(0, 0), vec![], "no items need no chunk size");
    let zero = std::panic::catch_unwind(|| chunk_ranges(5, 0));
    assert!(
        zero.is_err(),
        "chunk_ranges(5, 0) must panic: 0 items per chunk never ends"
    );
}

#[test]
fn chunk_ranges_cover_every_index_once_with_full_chunks() {
    for len in 0..200 {
        for size in 1..30 {
            let chunks = chunk_ranges(len, size);
            let what = format!("chunk_ranges({len}, {size})");
            assert_covers(len, &chunks, &what);
            assert_eq!(chunks.len(), len.div_ceil(size), "{what}: how many chunks");
            if let Some((_last, full)) = chunks.split_last() {
                for chunk in full {
                    assert_eq!(
                        chunk.len(),
                        size,
                        "{what}: only the last chunk may be short"
                    );
                }
            }
        }
    }
}

#[test]
fn with_pythons_chunksize_there_are_at_most_four_chunks_per_worker() {
    for len in 1..300 {
        for workers in 1..9 {
            let chunks = chunk_ranges(len, python_chunksize(len, workers));
            assert!(
                chunks.len() <= 4 * workers,
                "{len} items, {workers} workers: {chunks:?}"
            );
        }
    }
}

#[test]
fn even_ranges_examples() {
    assert_eq!(even_ranges(10, 4), vec![0..3, 3..6, 6..8, 8..10]);
    assert_eq!(even_ranges(8, 4), vec![0..2, 2..4, 4..6, 6..8]);
    assert_eq!(even_ranges(2, 4), vec![0..1, 1..2], "never an empty chunk");
    assert_eq!(even_ranges(0, 4), vec![]);
    let zero = std::panic::catch_unwind(|| even_ranges(5, 0));
    assert!(
        zero.is_err(),
        "even_ranges(5, 0) must panic: items cannot go into 0 chunks"
    );
}

#[test]
fn even_ranges_are_balanced_larger_first() {
    for len in 0..200 {
        for parts in 1..20 {
            let chunks = even_ranges(len, parts);
            let what = format!("even_ranges({len}, {parts})");
            assert_covers(len, &chunks, &what);
            assert_eq!(chunks.len(), parts.min(len), "{what}: how many chunks");
            let sizes: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
            let (min, max) = (sizes.iter().min(), sizes.iter().max());
            if let (Some(min), Some(max)) = (min, max) {
                assert!(
                    max - min <= 1,
                    "{what}: sizes {sizes:?} differ by more than one"
                );
            }
            assert!(
                sizes.windows(2).all(|w| w[0] >= w[1]),
                "{what}: the larger chunks come first, got sizes {sizes:?}"
            );
        }
    }
}
