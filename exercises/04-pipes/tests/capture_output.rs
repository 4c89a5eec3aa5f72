//! Tests of the `capture_output` exercise.
//!
//! When `capture_output` does not return in time, the test looks at what
//! the child is doing (`/proc/<pid>/syscall`): a child blocked writing is
//! waiting for a parent that does not read yet; a child that has exited
//! while the parent still reads means a write end is still open somewhere.

use testkit::stuck as support;

#[path = "../../03-processes/tests/support/interrupt.rs"]
mod interrupt;

use nix::sys::signal::{Signal, raise};
use pipes::exercises::capture_output::capture_output;
use processes::demos::process::{ExitStatus, child_println};
use support::{Doing, STUCK};

const C1: &str = "clause 1 (every byte written to descriptor 1)";
const C2: &str = "clause 2 (output of any size)";
const C3: &str = "clause 3 (how the child ended)";
const C4: &str = "clause 4 (descriptor 1 is the only end in the child)";
const C5: &str = "clause 5 (a signal does not end the wait)";

/// Runs `capture_output(body)` under the deadline; on time-out, fails with a
/// message that names what the child is stuck on.
///
/// # Safety
///
/// As for `capture_output`: `body` keeps the contract of
/// [`Process::start`](processes::demos::process::Process::start).
unsafe fn capture<F>(clause: &str, body: F) -> (ExitStatus, Vec<u8>)
where
    F: FnOnce() -> i32 + Send + 'static,
{
    // SAFETY: `body` keeps `start`'s contract: our caller's promise.
    let outcome = support::finish_or_snapshot(STUCK, move || unsafe { capture_output(body) });
    let children = match outcome {
        Ok(result) => {
            support::assert_every_child_joined("capture_output");
            return result.unwrap_or_else(|e| panic!("{clause}: capture_output failed: {e}"));
        }
        Err(children) => children,
    };
    if support::count(&children, Doing::Writing) > 0 {
        support::hung(format!(
            "{clause}: deadlock: the child is blocked writing into a full pipe (64 KiB) while the parent \
             waits for it to exit. Read everything first (until end-of-file), then join"
        ));
    }
    if support::count(&children, Doing::Exited) == children.len() {
        support::hung(format!(
            "{clause}: end-of-file never came although the child has exited: a write end of the pipe is \
             still open in the parent. Move the write end into the child's closure (so `start` \
             drops the parent's copy) and keep no other copy"
        ));
    }
    support::hung(format!(
        "{clause}: capture_output did not return within {STUCK:?}; its child: {children:?}"
    ));
}

/// Fails, naming the mistake, if not one byte came through the pipe.
fn assert_something_arrived(clause: &str, output: &[u8]) {
    assert!(
        !output.is_empty(),
        "{clause}: nothing arrived through the pipe: in the child, make descriptor 1 a copy of the write \
         end (`dup2_stdout`) before body runs"
    );
}

fn text(output: &[u8]) -> String {
    String::from_utf8_lossy(output).into_owned()
}

/// Bytes waiting in the pipe behind this process's descriptor 1.
fn bytes_in_stdout_pipe() -> i32 {
    let mut waiting: nix::libc::c_int = 0;
    // SAFETY: FIONREAD writes one `c_int` through the pointer, which points
    // to a live local `c_int`; descriptor 1 is open (a pipe, in the child).
    let rc = unsafe { nix::libc::ioctl(1, nix::libc::FIONREAD, &mut waiting) };
    if rc < 0 { -1 } else { waiting }
}

#[test]
fn captures_what_comes_after_the_parent_has_read_some() {
    let _clean = testkit::process_scope();
    // SAFETY: the child writes with `child_println` (one `write(2)`), asks
    // for the bytes in its pipe (`ioctl`), reads the clock (`clock_gettime`)
    // and yields (`sched_yield`): async-signal-safe calls, no lock.
    let (status, output) = unsafe {
        capture(C1, || {
            child_println("first");
            // Wait (at most 2 s) until the parent has read "first": a parent
            // that reads only once has then finished reading.
            let give_up_at = std::time::Instant::now() + std::time::Duration::from_secs(2);
            while bytes_in_stdout_pipe() > 0 && std::time::Instant::now() < give_up_at {
                std::thread::yield_now();
            }
            child_println("second");
            0
        })
    };
    assert_eq!(status, ExitStatus::Exited(0), "{C1}: the child returned 0");
    assert_something_arrived(C1, &output);
    assert_eq!(
        text(&output),
        "first\nsecond\n",
        "{C1}: the parent got only what was in the pipe at its first read: one read is not enough, \
         read until end-of-file (a read that returns 0)"
    );
}

#[test]
fn captures_every_line_the_child_prints() {
    let _clean = testkit::process_scope();
    // SAFETY: the child only writes with `child_println` (one `write(2)`).
    let (status, output) = unsafe {
        capture(C1, || {
            for word in ["alpha", "beta", "gamma"] {
                child_println(word);
            }
            0
        })
    };
    assert_eq!(status, ExitStatus::Exited(0), "{C1}: the child returned 0");
    assert_something_arrived(C1, &output);
    assert_eq!(
        text(&output),
        "alpha\nbeta\ngamma\n",
        "{C1}: everything the child wrote to descriptor 1, in order, and nothing else"
    );
}

#[test]
fn reports_the_exit_code_of_a_silent_child() {
    let _clean = testkit::process_scope();
    // SAFETY: the child only returns a number.
    let (status, output) = unsafe { capture(C3, || 3) };
    assert_eq!(status, ExitStatus::Exited(3), "{C3}: body returned 3");
    assert!(
        output.is_empty(),
        "{C3}: the child printed nothing, got {output:?}"
    );
}

#[test]
fn captures_a_mebibyte_without_deadlock() {
    let _clean = testkit::process_scope();
    let line = "0123456789abcdef".repeat(4); // 64 bytes, 65 with the newline
    let lines = (1 << 20) / (line.len() + 1) + 1;
    let expected_len = lines * (line.len() + 1);
    // SAFETY: the child only writes with `child_println` (`write(2)`).
    let (status, output) = unsafe {
        capture(C2, move || {
            for _ in 0..lines {
                child_println(&line);
            }
            0
        })
    };
    assert_eq!(status, ExitStatus::Exited(0), "{C2}: the child returned 0");
    assert_something_arrived(C2, &output);
    assert!(
        output.len() == expected_len,
        "{C2}: got {} of the {expected_len} bytes the child wrote: one read returns only what is in \
         the pipe at that moment; read until end-of-file (a read that returns 0)",
        output.len()
    );
}

#[test]
fn keeps_what_a_child_printed_before_it_was_killed() {
    let _clean = testkit::process_scope();
    // SAFETY: the child writes with `child_println` (one `write(2)`) and
    // sends itself a signal (`raise`): both async-signal-safe.
    let (status, output) = unsafe {
        capture(C3, || {
            child_println("last words");
            let _ = raise(Signal::SIGKILL);
            0
        })
    };
    assert_eq!(
        status,
        ExitStatus::Signaled(9),
        "{C3}: the child killed itself with SIGKILL: a death by signal, never an exit code"
    );
    assert_something_arrived(C3, &output);
    assert_eq!(
        text(&output),
        "last words\n",
        "{C3}: what the child printed before it was killed"
    );
}

#[test]
fn keeps_output_that_is_not_utf8() {
    let _clean = testkit::process_scope();
    // Every byte value, twice, and a lone continuation byte at the end:
    // not UTF-8, as a program's output (an image, a compressed stream, text
    // in another encoding) may well be.
    let mut bytes: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
    bytes.push(0x80);
    let expected = bytes.clone();
    // SAFETY: the child writes with write(2) on descriptor 1 and returns.
    let (status, output) = unsafe {
        capture(C1, move || {
            match nix::unistd::write(std::io::stdout(), &bytes) {
                Ok(n) if n == bytes.len() => 0,
                _ => 1,
            }
        })
    };
    assert_eq!(
        status,
        ExitStatus::Exited(0),
        "{C1}: the child wrote all its bytes"
    );
    assert_something_arrived(C1, &output);
    assert!(
        output == expected,
        "{C1}: the child wrote {} bytes that are not UTF-8; got {} bytes back, {}. Return the \
         bytes as they came (read_to_end into a Vec<u8>), not text",
        expected.len(),
        output.len(),
        if output.len() == expected.len() {
            "different ones"
        } else {
            "not those"
        }
    );
}

/// Descriptors from 3 to 1023 that refer to the same pipe as descriptor 1.
fn other_ends_of_my_stdout_pipe() -> usize {
    use nix::sys::stat::fstat;
    let Ok(mine) = fstat(std::io::stdout()) else {
        return 0;
    };
    (3..1024)
        .filter(|&fd| {
            // SAFETY: `stat` is plain integers, for which all zeroes is a
            // valid value.
            let mut st = unsafe { std::mem::zeroed::<nix::libc::stat>() };
            // SAFETY: fstat(2) on a bare number fills `st`, a live local, or
            // fails with EBADF for a descriptor that is not open.
            let rc = unsafe { nix::libc::fstat(fd, &mut st) };
            rc == 0 && st.st_dev == mine.st_dev && st.st_ino == mine.st_ino
        })
        .count()
}

#[test]
fn the_child_holds_no_end_of_the_pipe_but_descriptor_1() {
    let _clean = testkit::process_scope();
    // SAFETY: the child calls fstat(2) and write(2) (child_println).
    let (status, output) = unsafe {
        capture(C4, || {
            let others = other_ends_of_my_stdout_pipe();
            child_println(&others.to_string());
            0
        })
    };
    assert_eq!(status, ExitStatus::Exited(0), "{C4}: the child returned 0");
    assert_something_arrived(C4, &output);
    assert_eq!(
        text(&output),
        "0\n",
        "{C4}: besides descriptor 1, the child held this many descriptors of the same pipe: \
         fork copied the parent's read end into the child, and the write end stays open under \
         its old number too. In the child, close the read end and, after dup2, the original \
         write end: a process holds no pipe end it does not use"
    );
}

#[test]
fn a_handled_signal_while_the_parent_reads_does_not_end_the_capture() {
    let _clean = testkit::process_scope();
    // The child prints only once released: meanwhile the parent sleeps in
    // its read of the pipe, where three signals reach it.
    let (gate_out, gate_in) = nix::unistd::pipe().expect("pipe failed");
    let outcome = interrupt::interrupted_thrice(
        STUCK,
        move || {
            // SAFETY: the child reads one byte with read(2) and writes with
            // child_println (one write(2)).
            let captured = unsafe {
                capture_output(move || {
                    let mut byte = [0u8; 1];
                    let _ = nix::unistd::read(&gate_out, &mut byte);
                    child_println("released");
                    0
                })
            };
            captured.map_err(|e| e.to_string())
        },
        move || {
            // Fails (EPIPE) only if the child is gone already.
            let _ = nix::unistd::write(&gate_in, b"x");
        },
    );
    let captured = outcome.unwrap_or_else(|failure| match failure {
        interrupt::Failure::Busy(why) => panic!("{C5}: capture_output: {why}"),
        interrupt::Failure::Other(why) => panic!(
            "{C5}: capture_output and a handled signal while the parent waits for the child's \
             output: {why}. A read that fails with EINTR (ErrorKind::Interrupted) read nothing: \
             read again (read_to_end does)"
        ),
    });
    let (status, output) = captured.unwrap_or_else(|e| panic!("{C5}: capture_output failed: {e}"));
    assert_eq!(status, ExitStatus::Exited(0), "{C5}: the child returned 0");
    assert_eq!(text(&output), "released\n", "{C5}: what the child printed");
}
