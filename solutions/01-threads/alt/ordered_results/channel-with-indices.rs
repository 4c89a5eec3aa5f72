//! ALT: a channel of (index, result) pairs, each result put in its place

use std::sync::mpsc;
use std::thread;

/// Runs `work(0)`, `work(1)`, ..., `work(n - 1)`, each on its own new thread,
/// and returns the results in that order.
pub fn spawn_workers<T, F>(n: usize, work: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Clone + 'static,
{
    let (sender, receiver) = mpsc::channel();
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let work = work.clone();
            let sender = sender.clone();
            thread::spawn(move || {
                let value = work(i);
                // The receiver outlives every worker: this cannot fail.
                let _ = sender.send((i, value));
            })
        })
        .collect();
    drop(sender);
    for (i, handle) in handles.into_iter().enumerate() {
        if handle.join().is_err() {
            panic!("worker {i} panicked");
        }
    }
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    for (i, value) in receiver {
        slots[i] = Some(value);
    }
    slots
        .into_iter()
        .map(|slot| slot.expect("every worker that did not panic sent its result"))
        .collect()
}
