//! `mpirun --oversubscribe -np 4 target/debug/heartbeat [SECONDS]`: the ranks add up a count
//! with `all_reduce`, round after round, for SECONDS (60 by default), then
//! say how many rounds they made. Each rank first says who it is and that it
//! runs, so that a rank can be killed while the job is under way: the lab's
//! `kill-demo` does that, and the test of the lab checks that the job then
//! ends with an error instead of hanging.

use std::time::{Duration, Instant};

use beyond::demos::ranks::whoami;
use mpi::collective::SystemOperation;
use mpi::traits::*;

fn main() {
    let seconds: u64 = std::env::args()
        .nth(1)
        .map_or(60, |a| a.parse().expect("SECONDS is a number"));
    let universe = mpi::initialize().expect("MPI was already initialised");
    let world = universe.world();
    let me = whoami(&world);
    world.barrier();
    println!(
        "rank {} of {}: pid {} on {}: running",
        me.rank, me.size, me.pid, me.host
    );
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut rounds = 0u64;
    loop {
        // Every rank must agree when to stop: the rounds end when any rank's
        // time is up (a maximum over the ranks), so that no rank is left
        // waiting in an `all_reduce` that the others no longer call.
        let mine = u64::from(Instant::now() >= until);
        let mut stop = 0u64;
        world.all_reduce_into(&mine, &mut stop, SystemOperation::max());
        if stop == 1 {
            break;
        }
        rounds += 1;
        std::thread::sleep(Duration::from_millis(10));
    }
    println!("rank {}: {rounds} rounds", me.rank);
}
