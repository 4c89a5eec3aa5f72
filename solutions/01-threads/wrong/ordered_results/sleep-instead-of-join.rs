//! WRONG: sleeps a little instead of joining, then collects what is there
//! EXPECT: join every thread before returning
//! CLAUSE: 4
//!
//! "Give the threads time to finish" works on the author's idle machine and
//! nowhere else: nothing makes the threads finish within the nap, and a
//! worker that panicked just leaves a gap.

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// Runs `work(0)`, `work(1)`, ..., `work(n - 1)`, each on its own new thread,
/// and returns the results in that order.
pub fn spawn_workers<T, F>(n: usize, work: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Clone + 'static,
{
    let finished = Arc::new(Mutex::new(Vec::with_capacity(n)));
    for i in 0..n {
        let work = work.clone();
        let finished = Arc::clone(&finished);
        thread::spawn(move || {
            let value = work(i);
            finished.lock().unwrap().push((i, value));
        });
    }
    // Give the workers time to finish.
    thread::sleep(Duration::from_millis(100));
    let mut finished = std::mem::take(&mut *finished.lock().unwrap());
    finished.sort_by_key(|(i, _)| *i);
    finished.into_iter().map(|(_, value)| value).collect()
}
