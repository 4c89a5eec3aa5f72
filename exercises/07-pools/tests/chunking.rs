//! Tests of the `chunking` exercise: hand-written property tests over many
//! sizes.
//!
//! Every test runs the same checks in the same order, over every size up to
//! 200 items, before it looks at its own examples: whatever the mistake, each
//! test that fails names it with the same message. The checks go from the
//! most telling to the least: a gap, an overlap or a lost remainder first,
//! the number of chunks last.

mod common;

use std::ops::Range;
use std::process::Command;

use common::QUICK;
use pools::demos::process_pool::python_chunksize;
use pools::exercises::chunking::{chunk_ranges, even_ranges};
use testkit::panics::catch_quietly;
use testkit::{Limits, NotRun, run_command};

type Cut = fn(usize, usize) -> Vec<Range<usize>>;

/// The clause that `chunk_ranges`' cover checks test.
const CHUNK_COVER: &str = "clause 1 (every item in exactly one chunk, whatever the chunk size)";
/// The clause of `chunk_ranges`' chunk sizes.
const CHUNK_SIZES: &str = "clause 2 (every chunk has chunksize items but the last)";
/// The clause that `even_ranges`' cover checks test.
const EVEN_COVER: &str = "clause 5 (every item in exactly one chunk, never an empty one)";
/// The clause of `even_ranges`' chunk sizes.
const EVEN_SIZES: &str = "clause 6 (sizes differ by at most one, the larger first)";

/// Calls `cut(len, n)` (named `name` in messages), failing with a clear
/// message, that begins with `clause`, if it panics. Returns the call as
/// text, and the chunks.
fn call(clause: &str, cut: Cut, name: &str, len: usize, n: usize) -> (String, Vec<Range<usize>>) {
    let what = format!("{clause}: {name}({len}, {n})");
    let chunks = catch_quietly(|| cut(len, n)).unwrap_or_else(|message| {
        let why = if message.contains("overflow") {
            " (a chunk size may be as large as usize::MAX: `start + chunksize` overflows, \
             `chunksize.min(len - start)` does not)"
        } else {
            ""
        };
        panic!("{what} panicked: {message}{why}")
    });
    (what, chunks)
}

/// Every index of 0..len in exactly one chunk, in order, no chunk past the
/// end. Each failure names the likely mistake.
fn check_cover(len: usize, chunks: &[Range<usize>], what: &str) {
    let mut next = 0;
    for chunk in chunks {
        assert!(
            chunk.start <= next,
            "{what}: a gap: items {next}..{} are in no chunk (off by one at a chunk's end?) \
             in {chunks:?}",
            chunk.start
        );
        assert!(
            chunk.start == next,
            "{what}: an overlap: chunk {chunk:?} starts before the previous one ended at {next} \
             (off by one at a chunk's start?) in {chunks:?}"
        );
        assert!(
            chunk.end <= len,
            "{what}: chunk {chunk:?} goes past the end, {len} (the last chunk must stop at len) \
             in {chunks:?}"
        );
        next = chunk.end.max(next);
    }
    assert!(
        next == len,
        "{what}: the chunks stop at {next}, so items {next}..{len} are in no chunk \
         (a dropped remainder, or chunks that end one item early) in {chunks:?}"
    );
    if let Some(empty) = chunks.iter().find(|c| c.is_empty()) {
        panic!("{what}: an empty chunk {empty:?} (never make one) in {chunks:?}");
    }
}

/// All the properties of `chunk_ranges`, over every size, most telling first.
fn check_chunk_ranges_everywhere() {
    // Sizes up to 30, and huge ones: a chunk size is any usize but 0.
    let huge = [usize::MAX, usize::MAX - 1, usize::MAX / 2 + 1];
    let calls: Vec<(usize, usize, String, Vec<Range<usize>>)> = (0..200)
        .flat_map(|len| (1..30).chain(huge).map(move |size| (len, size)))
        .map(|(len, size)| {
            let (what, chunks) = call(CHUNK_COVER, chunk_ranges, "chunk_ranges", len, size);
            (len, size, what, chunks)
        })
        .collect();
    for (len, _, what, chunks) in &calls {
        check_cover(*len, chunks, what);
    }
    for (len, size, _, chunks) in &calls {
        let all_but_last = &chunks[..chunks.len().saturating_sub(1)];
        if let Some(short) = all_but_last.iter().find(|c| c.len() != *size) {
            panic!(
                "{CHUNK_SIZES}: chunk_ranges({len}, {size}): chunk {short:?} has {} items; every chunk has \
                 {size} but the last, in {chunks:?}",
                short.len()
            );
        }
        assert_eq!(
            chunks.len(),
            len.div_ceil(*size),
            "{CHUNK_SIZES}: chunk_ranges({len}, {size}): how many chunks, in {chunks:?}"
        );
    }
}

/// All the properties of `even_ranges`, over every size, most telling first.
fn check_even_ranges_everywhere() {
    let calls: Vec<(usize, usize, String, Vec<Range<usize>>)> = (0..200)
        .flat_map(|len| (1..20).map(move |parts| (len, parts)))
        .map(|(len, parts)| {
            let (what, chunks) = call(EVEN_COVER, even_ranges, "even_ranges", len, parts);
            (len, parts, what, chunks)
        })
        .collect();
    for (len, _, what, chunks) in &calls {
        check_cover(*len, chunks, what);
    }
    for (len, parts, _, chunks) in &calls {
        let sizes: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
        if let (Some(min), Some(max)) = (sizes.iter().min(), sizes.iter().max()) {
            assert!(
                max - min <= 1,
                "{EVEN_SIZES}: even_ranges({len}, {parts}): sizes {sizes:?} differ by more than one \
                 (an uneven split: each chunk gets len / parts items, the first len % parts \
                 one more)"
            );
        }
    }
    for (len, parts, _, chunks) in &calls {
        let sizes: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
        assert!(
            sizes.windows(2).all(|w| w[0] >= w[1]),
            "{EVEN_SIZES}: even_ranges({len}, {parts}): sizes {sizes:?}: the larger chunks come first"
        );
        assert_eq!(
            chunks.len(),
            (*parts).min(*len),
            "{EVEN_COVER}: even_ranges({len}, {parts}): how many chunks (parts, or len if fewer), \
             in {chunks:?}"
        );
    }
}

#[test]
fn chunk_ranges_examples() {
    check_chunk_ranges_everywhere();
    for (len, size, expected) in [(10, 4, vec![0..4, 4..8, 8..10]), (8, 4, vec![0..4, 4..8])] {
        assert_eq!(
            chunk_ranges(len, size),
            expected,
            "{CHUNK_SIZES}: chunk_ranges({len}, {size})"
        );
    }
    assert_eq!(
        chunk_ranges(3, 10),
        vec![0..3],
        "{CHUNK_COVER}: chunk_ranges(3, 10)"
    );
    const NONE: &str = "clause 3 (no items, no chunks, whatever the chunk size)";
    for size in [4, 1, usize::MAX, 0] {
        let (_, none) = call(NONE, chunk_ranges, "chunk_ranges", 0, size);
        assert_eq!(
            none,
            vec![],
            "{NONE}: chunk_ranges(0, {size}) is empty (no items need no chunk size)"
        );
    }
}

#[test]
fn chunk_ranges_cover_every_index_once_with_full_chunks() {
    check_chunk_ranges_everywhere();
}

#[test]
fn with_pythons_chunksize_there_are_at_most_four_chunks_per_worker() {
    check_chunk_ranges_everywhere();
    for len in 1..300 {
        for workers in 1..9 {
            let chunks = chunk_ranges(len, python_chunksize(len, workers));
            assert!(
                chunks.len() <= 4 * workers,
                "{CHUNK_SIZES}: {len} items, {workers} workers, chunks of \
                 python_chunksize({len}, {workers}): more than four per worker in {chunks:?}"
            );
        }
    }
}

/// The variable that makes this test binary run [`zero_chunksize_probe`]
/// for [`chunk_ranges_refuses_a_chunk_size_of_zero`].
const PROBE: &str = "POOLS_CHUNKING_ZERO_PROBE";

/// Run in a process of its own, under a memory limit: a `chunk_ranges` that
/// accepts a size of 0 may loop for ever, or push empty chunks until memory
/// runs out, and neither may take the test binary (or the machine) with it.
#[test]
#[ignore = "run by chunk_ranges_refuses_a_chunk_size_of_zero in a process of its own"]
fn zero_chunksize_probe() {
    if std::env::var_os(PROBE).is_none() {
        return;
    }
    let limit = 512 << 20;
    nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_AS, limit, limit)
        .expect("could not limit the probe's memory");
    if let Err(message) = catch_quietly(|| chunk_ranges(5, 1)) {
        println!("PROBE: {message}");
        std::process::exit(4);
    }
    let code = match catch_quietly(|| chunk_ranges(5, 0)) {
        Err(_) => 0,
        Ok(chunks) => {
            println!("PROBE: {chunks:?}");
            3
        }
    };
    std::process::exit(code);
}

const ZERO: &str = "clause 4 (a chunk size of 0 panics when there are items): chunk_ranges(5, 0) must panic: a chunk size of 0 never moves past item 0";

#[test]
fn chunk_ranges_refuses_a_chunk_size_of_zero() {
    let mut probe = Command::new(std::env::current_exe().expect("the test binary's path"));
    probe
        .args([
            "--exact",
            "zero_chunksize_probe",
            "--ignored",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(PROBE, "1");
    let (status, printed) = match run_command(&mut probe, Limits::in_all(QUICK)) {
        Ok(run) => (run.status, run.stdout),
        Err(NotRun::Start(e)) => panic!("could not run the probe: {e}"),
        Err(NotRun::Overstayed { .. }) => panic!(
            "{ZERO}: it was still running after {QUICK:?} (an endless loop?); refuse it with assert!"
        ),
    };
    let said = printed
        .lines()
        .find_map(|line| line.strip_prefix("PROBE: "))
        .unwrap_or("?");
    match status.code() {
        Some(0) => {}
        Some(3) => panic!("{ZERO}; it returned {said}"),
        Some(4) => panic!("{CHUNK_COVER}: chunk_ranges(5, 1) panicked: {said}"),
        _ => panic!(
            "{ZERO}: it ran out of memory ({status}), adding empty chunks for ever; refuse \
             it with assert!"
        ),
    }
}

#[test]
fn even_ranges_examples() {
    check_even_ranges_everywhere();
    assert_eq!(
        even_ranges(10, 4),
        vec![0..3, 3..6, 6..8, 8..10],
        "{EVEN_SIZES}"
    );
    assert_eq!(
        even_ranges(8, 4),
        vec![0..2, 2..4, 4..6, 6..8],
        "{EVEN_SIZES}"
    );
    assert_eq!(
        even_ranges(2, 4),
        vec![0..1, 1..2],
        "{EVEN_COVER}: never an empty chunk"
    );
    assert_eq!(
        even_ranges(0, 4),
        vec![],
        "{EVEN_COVER}: no items, no chunks"
    );
}

#[test]
fn even_ranges_refuses_zero_parts_even_with_no_items() {
    check_even_ranges_everywhere();
    for len in [5, 1, 0] {
        let zero = catch_quietly(|| even_ranges(len, 0));
        assert!(
            zero.is_err(),
            "clause 7 (parts == 0 panics, even with no items): even_ranges({len}, 0) must panic: \
             items cannot go into 0 chunks, and the promise has no exception for no items \
             (assert on parts before you return early); it returned {zero:?}"
        );
    }
}

#[test]
fn even_ranges_are_balanced_larger_first() {
    check_even_ranges_everywhere();
}
