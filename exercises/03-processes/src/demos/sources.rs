//! The examples of the Python tutorials, with `Process::start` in place of
//! `multiprocessing.Process(target=...)`.
//!
//! Children print with [`child_println`]: one `write(2)` each, no stdout lock
//! (see the module doc of [`process`](super::process)).

use std::io;

use nix::unistd::{getpid, getppid};

use super::process::{ExitStatus, Process, child_println};

// ANCHOR: pid_ppid
/// A singer: positional arguments, like `args=(3, 'Ming')`.
pub fn vocal_performance(count: u32, artist: &str) -> i32 {
    child_println(&format!("Child process ID: {}", getpid()));
    child_println(&format!("Parent process ID: {}", getppid()));
    for i in 1..=count {
        child_println(&format!("{artist} performing song... {i} time(s)"));
    }
    0
}

/// Named arguments, like `kwargs={'count': 2, 'performer': 'Xiaohong'}`:
/// in Rust, a struct with named fields.
pub struct Movement<'a> {
    pub count: u32,
    pub performer: &'a str,
}

pub fn movement_routine(Movement { count, performer }: Movement) -> i32 {
    child_println(&format!("Child process ID: {}", getpid()));
    for _ in 0..count {
        child_println(&format!("{performer} dancing..."));
    }
    0
}
// ANCHOR_END: pid_ppid

/// The whole of the quick tour's process example.
pub fn pid_ppid() -> io::Result<()> {
    // ANCHOR: pid_ppid_main
    println!("Main process ID: {}", getpid());
    let mut singer = Process::start_daemon(|| vocal_performance(3, "Ming"))?;
    let mut dancer = Process::start(|| {
        movement_routine(Movement {
            count: 2,
            performer: "Xiaohong",
        })
    })?;
    dancer.join()?;
    // Python terminates a daemon child when the parent reaches its end, so
    // the singer may be cut off there. We join it to see all of its lines;
    // without this line, dropping `singer` would kill it the same way.
    singer.join()?;
    // ANCHOR_END: pid_ppid_main
    Ok(())
}

// ANCHOR: simple
fn print_numbers() -> i32 {
    for i in 1..=5 {
        child_println(&i.to_string());
    }
    0
}

pub fn simple_process() -> io::Result<ExitStatus> {
    let mut process = Process::start(print_numbers)?; // fork; the child runs print_numbers
    let status = process.join()?; // wait for it, and reap it
    println!("Process finished execution");
    Ok(status)
}
// ANCHOR_END: simple

// ANCHOR: five_workers
fn worker(num: i32) -> i32 {
    child_println(&format!("Worker: {num} (pid {})", getpid()));
    num // the exit code tells the parent which worker this was
}

pub fn five_workers() -> io::Result<Vec<ExitStatus>> {
    let mut jobs = Vec::new();
    for i in 0..5 {
        jobs.push(Process::start(move || worker(i))?);
    }
    let mut statuses = Vec::new();
    for job in &mut jobs {
        statuses.push(job.join()?);
    }
    println!("All processes finished execution");
    Ok(statuses)
}
// ANCHOR_END: five_workers
