//! The in-process counterpart: crossbeam-channel between threads.
//!
//! `queue::Queue` between threads is `crossbeam_channel`: many producers,
//! many consumers (a `Receiver` clones), bounded or unbounded, and the end of
//! the queue when every `Sender` is dropped (a `Receiver` iterates until
//! then). No serialization, no pipe: items move by ownership.

use std::thread;

use crossbeam_channel::{bounded, unbounded};

// ANCHOR: fan_out
/// `workers` threads take numbers from a bounded job channel and send their
/// squares on an unbounded result channel. Returns the results, sorted.
pub fn square_all(numbers: Vec<u64>, workers: usize) -> Vec<(usize, u64)> {
    let (jobs, job_queue) = bounded::<u64>(4); // at most 4 waiting jobs
    let (results, result_queue) = unbounded::<(usize, u64)>();

    thread::scope(|scope| {
        for worker in 0..workers {
            let job_queue = job_queue.clone();
            let results = results.clone();
            scope.spawn(move || {
                // Ends when every `jobs` sender is dropped and the queue is empty.
                for n in job_queue {
                    results
                        .send((worker, n * n))
                        .expect("the result queue outlives the workers");
                }
            });
        }
        drop(results); // keep only the workers' copies: the results end with them

        for n in numbers {
            jobs.send(n).expect("a worker is alive to take it"); // blocks while 4 wait
        }
        drop(jobs); // the end of the job queue: every worker's loop finishes
    });

    let mut squares: Vec<(usize, u64)> = result_queue.iter().collect();
    squares.sort_by_key(|&(_, square)| square);
    squares
}
// ANCHOR_END: fan_out
