//! Getting a value back from a thread through `JoinHandle<T>::join`, and
//! getting its panic back as an `Err`.

use std::any::Any;
use std::thread::{self, JoinHandle};

// ANCHOR: square
/// Squares `x` on another thread and returns the result.
pub fn square_on_thread(x: u64) -> u64 {
    // The closure returns a u64, so the handle is a JoinHandle<u64>.
    let handle: JoinHandle<u64> = thread::spawn(move || x * x);
    handle.join().expect("the squaring thread panicked")
}
// ANCHOR_END: square

// ANCHOR: parse
/// Parses `text` on another thread. The thread panics on bad input (on
/// purpose, to show a crash); the panic comes back here as an `Err`.
pub fn parse_on_thread(text: &str) -> Result<u32, String> {
    let text = text.to_string();
    let handle = thread::spawn(move || {
        text.trim()
            .parse::<u32>()
            .unwrap_or_else(|e| panic!("{text:?} is not a number: {e}"))
    });
    handle
        .join()
        .map_err(|payload| panic_message(payload.as_ref()))
}

/// The message of a panic, taken from the payload that `join` returns.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message.to_string() // panic!("a literal")
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone() // panic!("with {}", arguments)
    } else {
        "a panic whose payload is not a string".to_string()
    }
}
// ANCHOR_END: parse

// ANCHOR: run
/// Squares a number on a thread, then parses good and bad input on threads.
pub fn run() {
    println!("12 squared on a thread: {}", square_on_thread(12));
    for text in ["42", "4x2"] {
        match parse_on_thread(text) {
            Ok(number) => println!("parsed {text:?}: {number}"),
            Err(message) => println!("the parser thread panicked: {message}"),
        }
    }
    println!("main: still running");
}
// ANCHOR_END: run
