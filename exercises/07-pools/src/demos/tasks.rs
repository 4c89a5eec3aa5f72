//! The tasks the pools run: plain functions, so that a process pool can run
//! them too (a worker calls them by address; see
//! [`process_pool`](super::process_pool)).

// ANCHOR: square
/// The tutorial's task.
pub fn square(x: u64) -> u64 {
    x * x
}
// ANCHOR_END: square

/// `square`, after about `2^21` steps of arithmetic (a few milliseconds),
/// so that the work of each item shows on a timeline.
pub fn busy_square(x: u64) -> u64 {
    let mut state = x;
    for _ in 0..(1 << 21) {
        // A step the optimiser cannot skip: each depends on the last.
        state = std::hint::black_box(state.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
    std::hint::black_box(state);
    x * x
}

/// The process id of the caller: a task that tells which worker ran it.
pub fn worker_pid(_item: u64) -> i32 {
    std::process::id() as i32
}
