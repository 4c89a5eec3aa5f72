//! Naming threads with `thread::Builder`, and asking a thread its own name.

use std::thread;

// ANCHOR: report_name
/// Prints and returns the name of the thread that calls it.
pub fn report_name() -> String {
    let me = thread::current();
    let name = me.name().unwrap_or("<unnamed>").to_string();
    println!("hello from {name}");
    name
}
// ANCHOR_END: report_name

// ANCHOR: run
/// Starts a named thread, an unnamed one, and a named one that panics.
pub fn run() {
    report_name(); // the main thread is called "main"

    let loader = thread::Builder::new()
        .name("ledger-loader".to_string())
        .spawn(report_name)
        .expect("the OS refused to start a thread");
    let anonymous = thread::spawn(report_name);
    loader.join().expect("the loader panicked");
    anonymous.join().expect("the anonymous thread panicked");

    // A panic message names the thread it happened on: with many threads,
    // that is often the first clue.
    let auditor = thread::Builder::new()
        .name("auditor".to_string())
        .spawn(|| panic!("the ledger does not balance"))
        .expect("the OS refused to start a thread");
    let outcome = auditor.join();
    println!("main: the auditor panicked: {}", outcome.is_err());
}
// ANCHOR_END: run
