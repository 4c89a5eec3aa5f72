//! Tests of the `poll_exchange` exercise: both sides use the student's
//! `exchange`, so a version that writes everything before reading deadlocks
//! here, and the deadline turns that into a failure with an explanation.
//!
//! Deadline: each exchange moves at most a few MiB, milliseconds of work;
//! [`STUCK`] (4 s, shortened after a first hang) tells "never" from "slow"
//! and keeps a wrong solution's run under 10 s. A busy loop is caught by the
//! kernel's view of the thread that runs `exchange` (what it sleeps in), not
//! by the clock.

use testkit::stuck as support;

#[path = "../../03-processes/tests/support/interrupt.rs"]
mod interrupt;

use std::io::{self, PipeReader, PipeWriter, Read};

use pipes::demos::large::pattern;
use pipes::exercises::poll_exchange::exchange;
use processes::demos::process::{ExitStatus, Process};
use support::STUCK;
use testkit::watch::{Waiting, spawn_watched};

const C1: &str = "clause 1 (everything crosses, both ways, without deadlock)";
const C2: &str = "clause 2 (closes the writer once all is sent)";
const C3: &str = "clause 3 (sleeps in poll)";
const C4: &str = "clause 4 (a peer that stops reading is an error)";
const C5: &str = "clause 5 (a signal does not end the exchange)";

const DEADLOCK: &str = "deadlock: both sides blocked writing and nobody reading. \
     Poll both descriptors and read whenever the reader is ready, not after the whole message is sent";

const NO_END: &str = "end-of-file never came: drop the writer as soon as all of `outgoing` is \
     written; the peer reads until end-of-file, as you do";

const POLL_ALONE: &str = "Wait in poll with no timeout (PollTimeout::NONE): it sleeps until \
     a descriptor is ready, and wakes the moment one is, no sooner and no later";

const BUSY: &str = "busy-waiting: the exchange burns CPU while it waits. Poll with no \
     timeout (PollTimeout::NONE), which sleeps until a descriptor is ready, and stop polling a \
     reader that has seen end-of-file: it reports POLLHUP at once, every time";

/// `exchange`, with its error turned into a message for the student.
fn exchange_or_explain(
    clause: &'static str,
    writer: PipeWriter,
    reader: PipeReader,
    outgoing: &[u8],
) -> Vec<u8> {
    exchange(writer, reader, outgoing).unwrap_or_else(|e| {
        if e.kind() == io::ErrorKind::WouldBlock {
            panic!(
                "{clause}: exchange failed with {e}: EAGAIN on a non-blocking descriptor means 'not now', \
                 not an error. Poll, and try again when poll says the descriptor is ready"
            )
        }
        panic!("{clause}: exchange failed: {e}")
    })
}

/// `exchange` on two threads with messages of `a_len` and `b_len` bytes;
/// returns what A and B received.
fn both_ways(clause: &'static str, a_len: usize, b_len: usize) -> (Vec<u8>, Vec<u8>) {
    let (a_reads, b_writes) = io::pipe().unwrap();
    let (b_reads, a_writes) = io::pipe().unwrap();
    let b = std::thread::spawn(move || {
        exchange_or_explain(clause, b_writes, b_reads, &pattern(b_len, 2))
    });
    let a = exchange_or_explain(clause, a_writes, a_reads, &pattern(a_len, 1));
    // cannot block: both_ways runs inside `exchanged`, which has a deadline
    let b = b
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    (a, b)
}

/// Runs `work` under the deadline; on time-out, names the mistake from what
/// is blocked: a thread (or child) stuck in `write` means nobody reads; all
/// of them past their writes means nobody closed a writer.
fn exchanged<T: Send + 'static>(
    clause: &str,
    what: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    match support::finish_or_snapshot(STUCK, work) {
        Ok(value) => value,
        Err(children) => {
            let writing = support::a_thread_of_ours_is_writing()
                || support::count(&children, support::Doing::Writing) > 0;
            let cause = if support::something_of_ours_is_spinning() {
                BUSY
            } else if writing {
                DEADLOCK
            } else {
                NO_END
            };
            let clause = if cause == NO_END { C2 } else { clause };
            support::hung(format!("{clause}: {what} did not finish in time: {cause}"))
        }
    }
}

fn check(clause: &'static str, a_len: usize, b_len: usize) {
    let (a, b) = exchanged(clause, "the exchange", move || {
        both_ways(clause, a_len, b_len)
    });
    assert_eq!(
        a.len(),
        b_len,
        "{clause}: A should receive all of B's {b_len} bytes"
    );
    assert_eq!(
        b.len(),
        a_len,
        "{clause}: B should receive all of A's {a_len} bytes"
    );
    assert!(
        a == pattern(b_len, 2),
        "{clause}: A received the right number of bytes, but not B's message"
    );
    assert!(
        b == pattern(a_len, 1),
        "{clause}: B received the right number of bytes, but not A's message"
    );
}

#[test]
fn small_messages_cross() {
    let _clean = testkit::process_scope();
    check(C1, 10, 20);
}

#[test]
fn messages_far_larger_than_the_pipe_buffer_cross_without_deadlock() {
    let _clean = testkit::process_scope();
    check(C1, 4 << 20, 4 << 20);
}

#[test]
fn an_empty_message_one_way_and_a_large_one_the_other() {
    let _clean = testkit::process_scope();
    check(C2, 0, 3 << 20);
    check(C2, 3 << 20, 0);
}

#[test]
fn waiting_for_a_slow_peer_sleeps_in_poll() {
    // The peer sends nothing (it closes its write end at once), and reads
    // only once the test lets it. Meanwhile `exchange` has seen end-of-file
    // and has a full pipe to write into: nothing to do but wait. It runs on
    // a thread the test watches through /proc: blocked in poll, it sleeps
    // until the peer reads. A loop that polls with a zero timeout, or keeps
    // polling the finished reader (POLLHUP at once, every time), burns CPU;
    // one that sleeps between non-blocking tries sleeps in nanosleep(2), and
    // one that polls with a short timeout keeps waking up. The kernel shows
    // which.
    let _clean = testkit::process_scope();
    let len = 1 << 20;
    let (reader, peer_writes) = io::pipe().unwrap();
    let (mut peer_reads, writer) = io::pipe().unwrap();
    drop(peer_writes);
    let (let_the_peer_read, peer_may_read) = std::sync::mpsc::channel::<()>();
    let peer = std::thread::spawn(move || {
        // Err when the test drops the sender: read anyway, so that a
        // failing test ends too.
        let _ = peer_may_read.recv_timeout(STUCK);
        let mut got = Vec::new();
        peer_reads.read_to_end(&mut got).map(|_| got.len())
    });
    let exchanging = spawn_watched("exchange", move || {
        exchange_or_explain(C3, writer, reader, &pattern(len, 3))
    });
    let waiting = exchanging.until_blocked();
    drop(let_the_peer_read);
    let received = exchanging.join_within(STUCK);
    match waiting {
        Waiting::Blocked(_) => {}
        Waiting::Spinning(cpu) => {
            panic!("{C3}: exchange used {cpu:?} of CPU while the peer did nothing: {BUSY}")
        }
        Waiting::Polling(wakeups) => panic!(
            "{C3}: exchange polls: while the peer did nothing, it slept in thread::sleep (or woke up \
             {wakeups} times, as a poll with a short timeout does) and tried again. {POLL_ALONE}"
        ),
        Waiting::NeverSlept(cpu) => panic!(
            "{C3}: exchange never went to sleep while the peer did nothing (it used {cpu:?} of CPU). \
             {POLL_ALONE}"
        ),
        Waiting::Returned => match &received {
            Some(Err(message)) => panic!("{message}"),
            _ => panic!(
                "{C3}: exchange returned before the peer had read the {len} bytes sent to it: it must \
                 write all of `outgoing`, waiting in poll while the pipe is full"
            ),
        },
    }
    let received = match received {
        Some(Ok(received)) => received,
        Some(Err(message)) => panic!("{message}"),
        None => {
            panic!(
                "{C2}: the exchange did not finish within {STUCK:?} after the peer read: {NO_END}"
            )
        }
    };
    // cannot block: exchange has returned, so its writer is closed and the
    // peer's read_to_end ends
    let peer_got = peer.join().unwrap().unwrap();
    assert!(received.is_empty(), "{C3}: the peer sent nothing");
    assert_eq!(peer_got, len, "{C3}: the peer receives every byte");
}

#[test]
fn a_peer_that_stops_reading_is_an_error_not_a_hang() {
    let _clean = testkit::process_scope();
    let (reader, peer_writes) = io::pipe().unwrap();
    let (peer_reads, writer) = io::pipe().unwrap();
    drop(peer_reads); // nobody will ever read what exchange sends
    drop(peer_writes);
    let outcome = support::within(
        STUCK,
        &format!("{C4}: an exchange whose peer closed its read end"),
        "exchange never returned after the peer closed its read end: a write to a pipe with no \
         reader fails at once with EPIPE (BrokenPipe); return that error",
        move || exchange(writer, reader, &pattern(1 << 20, 4)),
    );
    match outcome {
        Err(e) => assert_eq!(
            e.kind(),
            io::ErrorKind::BrokenPipe,
            "{C4}: the write error is EPIPE, got {e}"
        ),
        Ok(_) => panic!(
            "{C4}: exchange returned Ok although the peer closed its read end before anything was \
             written: the write error (EPIPE, BrokenPipe) must be returned, not swallowed"
        ),
    }
}

#[test]
fn a_child_process_and_its_parent_exchange_a_mebibyte_each() {
    let _clean = testkit::process_scope();
    let len = 1 << 20;
    let (from_child, to_parent) = io::pipe().unwrap();
    let (from_parent, to_child) = io::pipe().unwrap();
    // The child's copy of `to_child` must go, or its reading never ends: the
    // closure owns a clone of the raw number and closes it first thing.
    let stray = std::os::fd::AsRawFd::as_raw_fd(&to_child);
    // `start` only lends the closure to the child: the ends go by value.
    let mut ends = Some((to_parent, from_parent));
    let child_side = move || {
        // SAFETY: `stray` is the number of the parent's write end, which
        // fork copied into this child; nothing in the child owns that copy
        // (the `to_child` value stays in the parent), so this is its only
        // owner and closes it exactly once.
        drop(unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(stray) });
        let Some((to_parent, from_parent)) = ends.take() else {
            return 3;
        };
        match exchange(to_parent, from_parent, &pattern(len, 2)) {
            Ok(got) if got == pattern(len, 1) => 0,
            Ok(_) => 1,
            Err(_) => 2,
        }
    };
    // SAFETY: the child closes a descriptor, runs `exchange` (poll, read,
    // write, allocation: glibc's malloc survives fork) and compares bytes.
    let mut child = unsafe { Process::start(child_side) }.unwrap();
    let got = exchanged(C1, "the exchange with a child", move || {
        exchange_or_explain(C1, to_child, from_child, &pattern(len, 1))
    });
    assert!(
        got == pattern(len, 2),
        "{C1}: the parent received {} bytes, not the child's message",
        got.len()
    );
    // cannot block: `exchanged` puts a deadline on the join
    let status = exchanged(C1, "joining the child", move || child.join().unwrap());
    assert_eq!(
        status,
        ExitStatus::Exited(0),
        "{C1}: the child exits 0 when it received the parent's message intact (1: wrong bytes, 2: an error)"
    );
}

#[test]
fn a_reader_that_goes_away_while_the_pipe_is_full_is_an_error() {
    // exchange fills the pipe, the peer reads nothing, and `exchange`
    // sleeps in poll waiting for room. Then the peer closes its read end:
    // poll reports POLLERR on the writer, not POLLOUT. An exchange that
    // writes only on POLLOUT never writes again, and never learns of EPIPE.
    let _clean = testkit::process_scope();
    let (reader, peer_writes) = io::pipe().unwrap();
    let (peer_reads, writer) = io::pipe().unwrap();
    drop(peer_writes); // the peer sends nothing
    let exchanging = spawn_watched("exchange", move || {
        exchange(writer, reader, &pattern(1 << 20, 6))
    });
    let waiting = exchanging.until_blocked();
    drop(peer_reads);
    let outcome = exchanging.join_within(STUCK);
    if let Waiting::Spinning(cpu) | Waiting::NeverSlept(cpu) = waiting {
        panic!("{C3}: exchange used {cpu:?} of CPU while the pipe was full: {BUSY}");
    }
    match outcome {
        Some(Ok(Err(e))) => assert_eq!(
            e.kind(),
            io::ErrorKind::BrokenPipe,
            "{C4}: the peer closed its read end: the write error is EPIPE, got {e}"
        ),
        Some(Ok(Ok(got))) => panic!(
            "{C4}: exchange returned Ok ({} bytes read) although the peer closed its read end \
             before reading a byte: return the write error (EPIPE, BrokenPipe)",
            got.len()
        ),
        Some(Err(message)) => panic!("{C4}: exchange panicked: {message}"),
        None => panic!(
            "{C4}: exchange never returned after the peer closed its read end while the pipe \
             was full: poll reports that as POLLERR on the writer, not POLLOUT. Treat any event \
             on the writer as 'try the write', which then fails with EPIPE (BrokenPipe)"
        ),
    }
}

#[test]
fn a_handled_signal_during_poll_does_not_end_the_exchange() {
    let _clean = testkit::process_scope();
    // The peer sends nothing and reads only when released: exchange fills
    // the pipe and sleeps in poll, where three signals reach it.
    let len = 1 << 20;
    let (reader, peer_writes) = io::pipe().unwrap();
    let (mut peer_reads, writer) = io::pipe().unwrap();
    drop(peer_writes);
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let peer = std::thread::spawn(move || {
        let _ = release_rx.recv_timeout(STUCK);
        let mut got = Vec::new();
        peer_reads.read_to_end(&mut got).map(|_| got.len())
    });
    let outcome = interrupt::interrupted_thrice(
        STUCK,
        move || exchange(writer, reader, &pattern(len, 7)).map_err(|e| e.to_string()),
        move || drop(release_tx),
    );
    let peer_got = peer.join().unwrap().unwrap();
    let received = outcome.unwrap_or_else(|failure| match failure {
        interrupt::Failure::Busy(why) => panic!("{C3}: exchange: {why}. {BUSY}"),
        interrupt::Failure::Other(why) => panic!(
            "{C5}: exchange and a handled signal while it waits in poll: {why}. poll (and \
             read, and write) fail with EINTR when a signal handler runs: that is no error, \
             go round the loop again"
        ),
    });
    let received = received.unwrap_or_else(|e| panic!("{C5}: exchange failed: {e}"));
    assert!(received.is_empty(), "{C5}: the peer sent nothing");
    assert_eq!(peer_got, len, "{C5}: the peer receives every byte");
}
