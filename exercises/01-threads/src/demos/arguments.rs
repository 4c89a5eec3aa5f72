//! Handing a thread its arguments: a `move` closure for Python's positional
//! `args=(3,)`, and a struct with named fields for `kwargs={'repetitions': 5}`.

use std::thread::{self, JoinHandle};

// ANCHOR: positional
/// Sings `repetitions` times.
pub fn sing(repetitions: u32) {
    for i in 1..=repetitions {
        println!("Singing... ({i}/{repetitions})");
    }
}

/// Starts a thread that sings `repetitions` times.
pub fn spawn_singer(repetitions: u32) -> JoinHandle<()> {
    // `move` gives the closure, and so the thread, its own copy of
    // `repetitions`. Calling `sing(repetitions)` inside the closure is the
    // whole of Python's `target=sing, args=(repetitions,)`.
    thread::spawn(move || sing(repetitions))
}
// ANCHOR_END: positional

// ANCHOR: keyword
/// What a dancer is asked to do. Named fields, with defaults, play the part
/// of Python's keyword arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Routine {
    pub performer: String,
    pub step: String,
    pub repetitions: u32,
}

impl Default for Routine {
    fn default() -> Self {
        Routine {
            performer: "Xiaohong".to_string(),
            step: "twirl".to_string(),
            repetitions: 2,
        }
    }
}

/// Dances the routine.
pub fn dance(routine: &Routine) {
    let Routine {
        performer,
        step,
        repetitions,
    } = routine;
    for i in 1..=*repetitions {
        println!("{performer} dancing a {step}... ({i}/{repetitions})");
    }
}

/// Starts a thread that dances `routine`. The struct moves into the thread:
/// from now on the thread owns it.
pub fn spawn_dancer(routine: Routine) -> JoinHandle<()> {
    thread::spawn(move || dance(&routine))
}
// ANCHOR_END: keyword

// ANCHOR: run
/// Starts a singer with a positional argument and a dancer with a
/// "keyword" argument, then waits for both.
pub fn run() {
    let singer = spawn_singer(3);
    let dancer = spawn_dancer(Routine {
        repetitions: 5,
        ..Default::default()
    });
    singer.join().expect("the singer panicked");
    dancer.join().expect("the dancer panicked");
    println!("main: both threads have finished");
}
// ANCHOR_END: run
