//! `cargo run -p pools --bin worker_crash`: a task kills its own worker
//! process; `map` says which chunk, which pid and which signal, and the pool
//! goes on with a replacement. Python's `Pool.map` would wait for ever.

use nix::sys::signal::{Signal, kill};
use nix::unistd::getpid;
use pools::demos::process_pool::ProcessPool;
use pools::demos::tasks::square;

// ANCHOR: killer
/// Squares, except 3, which kills the worker process running it, as the
/// kernel's out-of-memory killer or an `kill -9` from outside would.
fn square_or_die(x: u64) -> u64 {
    if x == 3 {
        let _ = kill(getpid(), Signal::SIGKILL);
    }
    x * x
}
// ANCHOR_END: killer

// ANCHOR: main
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let numbers: Vec<u64> = (1..=8).collect();
    let mut pool = ProcessPool::new(2)?;
    println!("workers before: {:?}", pool.pids());
    // SAFETY: `square_or_die` computes, and calls getpid and kill
    // (async-signal-safe).
    match unsafe { pool.map(square_or_die, &numbers) } {
        Ok(result) => println!("unexpected success: {result:?}"),
        Err(e) => println!("map failed: {e}"),
    }
    println!("workers after:  {:?}", pool.pids());
    // SAFETY: `square` only computes.
    println!("map again:      {:?}", unsafe {
        pool.map(square, &numbers)
    }?);
    Ok(())
}
// ANCHOR_END: main
