//! Rust has no daemon flag. A thread nobody joins is simply cut off when
//! `main` returns, because the process ends; a joined thread is waited for.

use std::io::{self, Write};
use std::sync::mpsc;
use std::thread;

use super::interleaving::{BEAT, dance};

// ANCHOR: sing_forever
/// Sings until the process ends. It never returns: its type says so.
pub fn sing_forever(on_stage: mpsc::Sender<()>) -> ! {
    println!("Singing...");
    // Tell main that we have started (main may have gone already: ignore).
    let _ = on_stage.send(());
    loop {
        thread::sleep(BEAT);
        println!("Singing...");
    }
}
// ANCHOR_END: sing_forever

// ANCHOR: run
/// Leaves a singer running forever, waits for a dancer, and returns.
pub fn run() {
    let (on_stage, singer_started) = mpsc::channel();
    // We drop the JoinHandle at once: nobody will ever wait for the singer.
    thread::spawn(move || sing_forever(on_stage));
    // Wait until the singer has sung once, so that every run shows it.
    singer_started
        .recv()
        .expect("the singer died before singing");

    let dancer = thread::spawn(|| dance(5));
    dancer.join().expect("the dancer panicked");

    let mut out = io::stdout().lock();
    writeln!(
        out,
        "main: the dancer is done; returning while the singer sings"
    )
    .expect("could not write to stdout");
    // Keep stdout locked until the process is gone, so that the singer
    // cannot print in the instant between this line and the end.
    std::mem::forget(out);
}
// ANCHOR_END: run
