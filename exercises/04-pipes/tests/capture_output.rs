//! Tests of the `capture_output` exercise.

use nix::sys::signal::{Signal, raise};
use pipes::exercises::capture_output::capture_output;
use processes::demos::process::{ExitStatus, child_println};
use testkit::DEADLINE;

#[test]
fn captures_every_line_the_child_prints() {
    let _clean = testkit::process_scope();
    let (status, output) = testkit::within(
        DEADLINE,
        "capturing three lines",
        "end-of-file never came: does the parent still hold the pipe's write end?",
        || {
            capture_output(|| {
                for word in ["alpha", "beta", "gamma"] {
                    child_println(word);
                }
                0
            })
            .unwrap()
        },
    );
    assert_eq!(status, ExitStatus::Exited(0));
    assert_eq!(
        String::from_utf8_lossy(&output),
        "alpha\nbeta\ngamma\n",
        "everything the child wrote to descriptor 1, in order, and nothing else"
    );
}

#[test]
fn reports_the_exit_code_of_a_silent_child() {
    let _clean = testkit::process_scope();
    let (status, output) = testkit::within(
        DEADLINE,
        "a silent child",
        "end-of-file never came: does the parent still hold the pipe's write end?",
        || capture_output(|| 3).unwrap(),
    );
    assert_eq!(status, ExitStatus::Exited(3), "body returned 3");
    assert!(
        output.is_empty(),
        "the child printed nothing, got {output:?}"
    );
}

#[test]
fn captures_a_mebibyte_without_deadlock() {
    let _clean = testkit::process_scope();
    let line = "0123456789abcdef".repeat(4) + "\n"; // 65 bytes
    let lines = (1 << 20) / line.len() + 1;
    let expected_len = lines * line.len();
    let (status, output) = testkit::within(
        DEADLINE,
        "capturing 1 MiB of output",
        "deadlock: the child blocked writing into a full pipe while the parent waited for it. \
         Read everything first (until end-of-file), then join",
        move || {
            capture_output(move || {
                for _ in 0..lines {
                    child_println(line.trim_end());
                }
                0
            })
            .unwrap()
        },
    );
    assert_eq!(status, ExitStatus::Exited(0));
    assert_eq!(output.len(), expected_len, "every byte the child wrote");
}

#[test]
fn keeps_what_a_child_printed_before_it_was_killed() {
    let _clean = testkit::process_scope();
    let (status, output) = testkit::within(
        DEADLINE,
        "capturing a child that kills itself",
        "end-of-file never came: does the parent still hold the pipe's write end?",
        || {
            capture_output(|| {
                child_println("last words");
                let _ = raise(Signal::SIGKILL);
                0
            })
            .unwrap()
        },
    );
    assert_eq!(
        status,
        ExitStatus::Signaled(9),
        "the child killed itself with SIGKILL"
    );
    assert_eq!(String::from_utf8_lossy(&output), "last words\n");
}
