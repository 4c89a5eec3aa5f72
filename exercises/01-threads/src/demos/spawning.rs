//! Start a thread, then wait for it: the counterpart of
//! `threading.Thread(target=print_numbers)`, `start()` and `join()`.

use std::thread;

// ANCHOR: print_numbers
/// Prints 1 to 10, one number per line: the work of our first thread.
pub fn print_numbers() {
    for i in 1..=10 {
        println!("{i}");
    }
}
// ANCHOR_END: print_numbers

// ANCHOR: spawn_join
/// Runs [`print_numbers`] on a new thread and waits for it to finish.
pub fn spawn_and_join() {
    // The thread starts running as soon as it is spawned: there is no
    // separate `start()`.
    let handle = thread::spawn(print_numbers);

    // The main thread could do other work here, while the numbers print.

    // `join` blocks until the thread has finished. It returns `Err` if the
    // thread panicked, which `expect` turns into a panic of our own.
    handle.join().expect("the printing thread panicked");
    println!("main: the printing thread has finished");
}
// ANCHOR_END: spawn_join
