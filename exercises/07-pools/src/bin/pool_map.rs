//! `cargo run -p pools --bin pool_map`: the tutorial's `Pool.map(square,
//! numbers)` on a process pool, a thread pool and rayon.

use pools::demos::process_pool::ProcessPool;
use pools::demos::rayon_map::par_squares;
use pools::demos::tasks::{square, worker_pid};
use pools::demos::thread_pool::ThreadPool;

// ANCHOR: main
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let numbers = vec![1, 2, 3, 4, 5];

    let mut processes = ProcessPool::new(2)?;
    // SAFETY: `square` only computes: fine in a forked worker.
    let result = unsafe { processes.map(square, &numbers) }?;
    println!("ProcessPool::map  {result:?}");
    // SAFETY: `worker_pid` calls getpid, async-signal-safe.
    let pids = unsafe { processes.map(worker_pid, &numbers) }?;
    println!("  ran in          {pids:?} (parent {})", std::process::id());

    let threads = ThreadPool::new(2);
    let result = threads.map(square, numbers.clone())?;
    println!("ThreadPool::map   {result:?}");

    println!("rayon par_iter    {:?}", par_squares(&numbers));
    Ok(())
}
// ANCHOR_END: main
