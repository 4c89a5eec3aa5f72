//! Two threads printing at their own pace: the singing and dancing example.
//! Which line comes next is up to the scheduler.

use std::thread;
use std::time::Duration;

/// The pause between two lines of a performer.
pub const BEAT: Duration = Duration::from_millis(200);

// ANCHOR: performers
/// Sings `times` times, one line per beat.
pub fn sing(times: u32) {
    for _ in 0..times {
        println!("Singing...");
        thread::sleep(BEAT);
    }
}

/// Dances `times` times, one line per beat.
pub fn dance(times: u32) {
    for _ in 0..times {
        println!("Dancing...");
        thread::sleep(BEAT);
    }
}
// ANCHOR_END: performers

// ANCHOR: run
/// Sings 3 times and dances 5 times at once, and waits for both.
pub fn run() {
    let singer = thread::spawn(|| sing(3));
    let dancer = thread::spawn(|| dance(5));
    singer.join().expect("the singer panicked");
    dancer.join().expect("the dancer panicked");
    println!("main: the show is over");
}
// ANCHOR_END: run
