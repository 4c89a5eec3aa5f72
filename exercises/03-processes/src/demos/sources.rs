//! The examples of the source tutorials, with `Process::start` in place of
//! `multiprocessing.Process(target=...)`.
//!
//! Children print with [`child_println`]: one `write(2)` each, no stdout lock
//! (see the module doc of [`process`](super::process)). They format with
//! `format!`, which allocates: allowed in a forked child with glibc, whose
//! `malloc` survives `fork`.

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

/// The whole of source 000's process example.
pub fn pid_ppid() -> io::Result<()> {
    // ANCHOR: pid_ppid_main
    println!("Main process ID: {}", getpid());
    // SAFETY: the child formats (allocation is allowed), calls getpid and
    // getppid, and prints with child_println, one write(2) a line.
    let mut singer = unsafe { Process::start_daemon(|| vocal_performance(3, "Ming")) }?;
    // SAFETY: as for the singer.
    let mut dancer = unsafe {
        Process::start(|| {
            movement_routine(Movement {
                count: 2,
                performer: "Xiaohong",
            })
        })
    }?;
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
    // SAFETY: print_numbers only formats and calls child_println.
    let mut process = unsafe { Process::start(print_numbers) }?; // fork; the child runs print_numbers
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
    let statuses = start_and_join(5, |i| {
        // SAFETY: `worker` formats, calls getpid and child_println.
        unsafe { Process::start(move || worker(i)) }
    })?;
    println!("All processes finished execution");
    Ok(statuses)
}

/// Starts `count` processes with `start_one(0)`, `start_one(1)`, ..., then
/// joins them all. If a start fails (fork fails when the process table or
/// the memory is full), the processes already started are joined before the
/// error is returned: returning with `?` at once would leave them zombies.
pub fn start_and_join(
    count: i32,
    mut start_one: impl FnMut(i32) -> io::Result<Process>,
) -> io::Result<Vec<ExitStatus>> {
    let mut jobs = Vec::new();
    for i in 0..count {
        match start_one(i) {
            Ok(job) => jobs.push(job),
            Err(e) => {
                for job in &mut jobs {
                    let _ = job.join(); // they end by themselves
                }
                return Err(e);
            }
        }
    }
    jobs.iter_mut().map(Process::join).collect()
}
// ANCHOR_END: five_workers
