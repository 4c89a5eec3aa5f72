//! Tests of the returning-results example: `cargo test -p threads --test results`.

use std::thread;

use testkit::{DEADLINE, bin_path, run_program, within};
use threads::demos::results::{panic_message, parse_on_thread, square_on_thread};

#[test]
fn a_thread_returns_its_value_through_join() {
    let square = within(
        DEADLINE,
        "square_on_thread",
        "the thread never finished",
        || square_on_thread(12),
    );
    assert_eq!(square, 144);
}

#[test]
fn a_thread_that_parses_returns_the_number() {
    let parsed = within(
        DEADLINE,
        "parse_on_thread",
        "the thread never finished",
        || parse_on_thread(" 42 "),
    );
    assert_eq!(parsed, Ok(42));
}

#[test]
fn a_panic_on_the_thread_comes_back_as_err_with_its_message() {
    let parsed = within(
        DEADLINE,
        "parse_on_thread",
        "the thread never finished",
        || parse_on_thread("4x2"),
    );
    assert_eq!(
        parsed,
        Err("\"4x2\" is not a number: invalid digit found in string".to_string())
    );
}

#[test]
fn panic_message_reads_str_string_and_other_payloads() {
    let payloads = within(
        DEADLINE,
        "three panicking threads",
        "a thread never finished",
        || {
            [
                thread::spawn(|| panic!("a literal")).join().unwrap_err(),
                thread::spawn(|| panic!("formatted {}", 7))
                    .join()
                    .unwrap_err(),
                thread::spawn(|| std::panic::panic_any(7_u8))
                    .join()
                    .unwrap_err(),
            ]
        },
    );
    let messages: Vec<String> = payloads.iter().map(|p| panic_message(p.as_ref())).collect();
    assert_eq!(
        messages,
        [
            "a literal",
            "formatted 7",
            "a panic whose payload is not a string"
        ]
    );
}

#[test]
fn thread_results_prints_values_and_the_caught_panic() {
    let run = run_program(bin_path!("thread_results"), &[], DEADLINE);
    assert!(
        run.status.success(),
        "a panic on another thread must not end the program: {}\n{}",
        run.status,
        run.stderr
    );
    assert_eq!(
        run.lines(),
        [
            "12 squared on a thread: 144",
            "parsed \"42\": 42",
            "the parser thread panicked: \"4x2\" is not a number: invalid digit found in string",
            "main: still running",
        ]
    );
}
