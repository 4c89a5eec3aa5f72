use std::cell::Cell;
use std::thread;

use shared_memory::exercises::process_shared_lock::{SpinGuard, SpinLock};

fn main() {
    let lock = SpinLock::<Cell<u64>>::default();
    // ANCHOR: guard_shares_a_cell
    let guard: SpinGuard<'_, Cell<u64>> = lock.lock();
    // Two threads holding `&guard` would both reach the one `Cell`.
    thread::scope(|s| {
        s.spawn(|| guard.set(guard.get() + 1));
        guard.set(guard.get() + 1);
    });
    // ANCHOR_END: guard_shares_a_cell
}
