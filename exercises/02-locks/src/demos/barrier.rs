//! Work in phases: nobody starts phase 2 before everybody finished phase 1.

use std::sync::{Barrier, Mutex};
use std::thread;

/// One step of [`phased_sum`], in the order the workers did them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `worker` stored its partial sum.
    Phase1Done { worker: usize },
    /// `worker` read every partial sum and computed the total.
    Phase2Done { worker: usize },
}

/// What [`phased_sum`] did.
#[derive(Debug)]
pub struct PhasedRun {
    /// The total each worker computed in phase 2, by worker.
    pub totals: Vec<u64>,
    /// Every step, in the order they happened.
    pub log: Vec<Step>,
    /// How many workers were told they were the barrier's leader.
    pub leaders: usize,
}

// ANCHOR: phased_sum
/// Sums `1..=n` with `workers` threads in two phases.
///
/// Phase 1: worker `w` sums its share of the numbers into `partials[w]`.
/// Phase 2: every worker adds up all the partial sums. That is only right if
/// every partial sum is there, so a `Barrier` separates the phases.
pub fn phased_sum(workers: usize, n: u64) -> PhasedRun {
    let partials: Vec<Mutex<Option<u64>>> = (0..workers).map(|_| Mutex::new(None)).collect();
    let barrier = Barrier::new(workers);
    let log = Mutex::new(Vec::new());
    let (totals, leaders) = thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let (partials, barrier, log) = (&partials, &barrier, &log);
                s.spawn(move || {
                    let mine = (1..=n).filter(|k| k % workers as u64 == w as u64).sum();
                    *partials[w].lock().unwrap() = Some(mine);
                    log.lock().unwrap().push(Step::Phase1Done { worker: w });

                    let leader = barrier.wait().is_leader(); // everyone waits here

                    let total = partials
                        .iter()
                        .map(|p| p.lock().unwrap().expect("a partial sum is missing"))
                        .sum::<u64>();
                    log.lock().unwrap().push(Step::Phase2Done { worker: w });
                    (total, leader)
                })
            })
            .collect();
        let results: Vec<(u64, bool)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let leaders = results.iter().filter(|(_, leader)| *leader).count();
        (results.into_iter().map(|(t, _)| t).collect(), leaders)
    });
    PhasedRun {
        totals,
        log: log.into_inner().unwrap(),
        leaders,
    }
}
// ANCHOR_END: phased_sum
