//! Tests of the `capture_output` exercise.
//!
//! When `capture_output` does not return in time, the test looks at what
//! the child is doing (`/proc/<pid>/syscall`): a child blocked writing is
//! waiting for a parent that does not read yet; a child that has exited
//! while the parent still reads means a write end is still open somewhere.

use testkit::stuck as support;

use nix::sys::signal::{Signal, raise};
use pipes::exercises::capture_output::capture_output;
use processes::demos::process::{ExitStatus, child_println};
use support::{Doing, STUCK};

/// Runs `capture_output(body)` under the deadline; on time-out, fails with a
/// message that names what the child is stuck on.
///
/// # Safety
///
/// As for `capture_output`: `body` keeps the contract of
/// [`Process::start`](processes::demos::process::Process::start).
unsafe fn capture<F>(body: F) -> (ExitStatus, Vec<u8>)
where
    F: FnOnce() -> i32 + Send + 'static,
{
    // SAFETY: `body` keeps `start`'s contract: our caller's promise.
    let outcome = support::finish_or_snapshot(STUCK, move || unsafe { capture_output(body) });
    let children = match outcome {
        Ok(result) => {
            support::assert_every_child_joined("capture_output");
            return result.expect("capture_output failed");
        }
        Err(children) => children,
    };
    if support::count(&children, Doing::Writing) > 0 {
        support::hung(
            "deadlock: the child is blocked writing into a full pipe (64 KiB) while the parent \
             waits for it to exit. Read everything first (until end-of-file), then join",
        );
    }
    if support::count(&children, Doing::Exited) == children.len() {
        support::hung(
            "end-of-file never came although the child has exited: a write end of the pipe is \
             still open in the parent. Move the write end into the child's closure (so `start` \
             drops the parent's copy) and keep no other copy",
        );
    }
    support::hung(format!(
        "capture_output did not return within {STUCK:?}; its child: {children:?}"
    ));
}

/// Fails, naming the mistake, if not one byte came through the pipe.
fn assert_something_arrived(output: &[u8]) {
    assert!(
        !output.is_empty(),
        "nothing arrived through the pipe: in the child, make descriptor 1 a copy of the write \
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
        capture(|| {
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
    assert_eq!(status, ExitStatus::Exited(0));
    assert_something_arrived(&output);
    assert_eq!(
        text(&output),
        "first\nsecond\n",
        "the parent got only what was in the pipe at its first read: one read is not enough, \
         read until end-of-file (a read that returns 0)"
    );
}

#[test]
fn captures_every_line_the_child_prints() {
    let _clean = testkit::process_scope();
    // SAFETY: the child only writes with `child_println` (one `write(2)`).
    let (status, output) = unsafe {
        capture(|| {
            for word in ["alpha", "beta", "gamma"] {
                child_println(word);
            }
            0
        })
    };
    assert_eq!(status, ExitStatus::Exited(0));
    assert_something_arrived(&output);
    assert_eq!(
        text(&output),
        "alpha\nbeta\ngamma\n",
        "everything the child wrote to descriptor 1, in order, and nothing else"
    );
}

#[test]
fn reports_the_exit_code_of_a_silent_child() {
    let _clean = testkit::process_scope();
    // SAFETY: the child only returns a number.
    let (status, output) = unsafe { capture(|| 3) };
    assert_eq!(status, ExitStatus::Exited(3), "body returned 3");
    assert!(
        output.is_empty(),
        "the child printed nothing, got {output:?}"
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
        capture(move || {
            for _ in 0..lines {
                child_println(&line);
            }
            0
        })
    };
    assert_eq!(status, ExitStatus::Exited(0));
    assert_something_arrived(&output);
    assert!(
        output.len() == expected_len,
        "got {} of the {expected_len} bytes the child wrote: one read returns only what is in \
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
        capture(|| {
            child_println("last words");
            let _ = raise(Signal::SIGKILL);
            0
        })
    };
    assert_eq!(
        status,
        ExitStatus::Signaled(9),
        "the child killed itself with SIGKILL"
    );
    assert_something_arrived(&output);
    assert_eq!(text(&output), "last words\n");
}
