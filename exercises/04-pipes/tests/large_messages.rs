//! The pipe buffer, and big messages both ways at once.

use std::io;

use pipes::demos::large::{
    buffer_size, exchange, fill_until_full, max_buffer_size, naive_exchange, pattern,
};
use testkit::DEADLINE;

#[test]
fn a_new_pipe_holds_its_buffer_size_and_not_a_byte_more() {
    let _clean = testkit::process_scope();
    let (reader, writer) = io::pipe().unwrap();
    let size = buffer_size(&writer).unwrap();
    assert!(size >= 4096, "F_GETPIPE_SZ said {size}");
    assert!(max_buffer_size().unwrap() >= size);
    assert_eq!(
        fill_until_full(&writer).unwrap(),
        size,
        "a writer nobody reads from can put exactly the buffer size into the pipe, then it would block"
    );
    drop(reader);
}

/// Runs `f` on both ends of a pair of pipes at once, on two threads, with
/// messages of `len` bytes each way; returns what each side received.
fn both_ways(
    len: usize,
    f: fn(io::PipeWriter, io::PipeReader, &[u8]) -> io::Result<Vec<u8>>,
) -> (Vec<u8>, Vec<u8>) {
    let (a_reads, b_writes) = io::pipe().unwrap();
    let (b_reads, a_writes) = io::pipe().unwrap();
    let b = std::thread::spawn(move || f(b_writes, b_reads, &pattern(len, 2)).unwrap());
    let a = f(a_writes, a_reads, &pattern(len, 1)).unwrap();
    (a, b.join().unwrap())
}

#[test]
fn the_naive_exchange_works_for_messages_that_fit_in_the_buffer() {
    let _clean = testkit::process_scope();
    let (a, b) = testkit::within(
        DEADLINE,
        "a small naive exchange",
        "a write end stayed open",
        || both_ways(1000, naive_exchange),
    );
    assert_eq!(a, pattern(1000, 2));
    assert_eq!(b, pattern(1000, 1));
}

#[test]
fn the_threaded_exchange_carries_8_mib_both_ways_without_deadlock() {
    let _clean = testkit::process_scope();
    let len = 8 << 20;
    let (a, b) = testkit::within(
        DEADLINE,
        "exchanging 8 MiB each way",
        "deadlock: both sides blocked in write, nobody reading",
        move || both_ways(len, exchange),
    );
    assert!(
        a == pattern(len, 2),
        "side A received {} bytes, not B's message",
        a.len()
    );
    assert!(
        b == pattern(len, 1),
        "side B received {} bytes, not A's message",
        b.len()
    );
}

#[test]
fn the_big_exchange_program_crosses_two_processes() {
    let _clean = testkit::process_scope();
    let run = testkit::run_program(testkit::bin_path!("big_exchange"), &["2"], DEADLINE);
    assert!(run.status.success(), "big_exchange failed: {run:?}");
    assert!(
        run.stdout
            .contains("child: received 2097152 bytes, all correct"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("parent: sent 2097152 bytes, received 2097152 bytes, correct: true"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_pipe_capacity_program_reports_a_full_pipe_at_the_buffer_size() {
    let _clean = testkit::process_scope();
    let run = testkit::run_program(testkit::bin_path!("pipe_capacity"), &[], DEADLINE);
    assert!(run.status.success(), "{run:?}");
    let number_after = |label: &str| -> usize {
        let line = run
            .lines()
            .into_iter()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no line starting with {label:?} in:\n{}", run.stdout));
        line.rsplit(": ")
            .next()
            .unwrap()
            .trim_end_matches(" bytes")
            .parse()
            .unwrap()
    };
    assert_eq!(number_after("PIPE_BUF"), 4096);
    assert_eq!(
        number_after("written before the pipe was full"),
        number_after("buffer of a new pipe")
    );
}
