//! What ran where, and when: record spans of work from threads and processes,
//! and draw them as an SVG timeline.
//!
//! A [`Span`] is one piece of work: the *lane* it ran on (a thread or process
//! name), a *label*, and its start and end on [`now_ns`], a clock in
//! nanoseconds read from `CLOCK_MONOTONIC`. That clock is system-wide on Linux,
//! so a span measured in a forked child lines up with one measured in its
//! parent: children can send their spans back (a `Span` is serde-serializable)
//! and the parent draws one picture.
//!
//! * For threads, share one [`Recorder`] (`Arc<Recorder>`, or a plain reference
//!   with scoped threads) and wrap the work in [`Recorder::record`].
//! * For processes, measure in the child with [`Span::measure`], send the
//!   `Span` back over a pipe or shared memory, and [`Recorder::add`] it in the
//!   parent.
//! * Then [`Recorder::timeline`] and [`Timeline::to_svg`] or
//!   [`Timeline::write_svg`].
//!
//! ```
//! use std::sync::Arc;
//! use timeline::Recorder;
//!
//! let recorder = Arc::new(Recorder::new());
//! let handles: Vec<_> = (0..2)
//!     .map(|i| {
//!         let recorder = Arc::clone(&recorder);
//!         std::thread::spawn(move || {
//!             recorder.record(&format!("worker {i}"), "sum", || (0..1000u64).sum::<u64>())
//!         })
//!     })
//!     .collect();
//! for h in handles {
//!     assert_eq!(h.join().unwrap(), 499_500);
//! }
//! let svg = recorder.timeline().title("two workers").to_svg();
//! assert!(svg.starts_with("<svg"));
//! assert_eq!(recorder.spans().len(), 2);
//! ```

pub mod draw;
mod svg;

pub use svg::{Bar, Timeline};

use serde::{Deserialize, Serialize};
use std::sync::Mutex;

/// Nanoseconds on `CLOCK_MONOTONIC`: never goes backwards, is not changed by
/// setting the wall clock, and is the same clock in every process of the
/// machine (unlike [`std::time::Instant`], whose values cannot be sent to
/// another process).
pub fn now_ns() -> u64 {
    use nix::time::{ClockId, clock_gettime};
    // CLOCK_MONOTONIC always exists on Linux; failing to read it is a bug
    // worth stopping for, not an error to handle.
    let t = clock_gettime(ClockId::CLOCK_MONOTONIC).expect("CLOCK_MONOTONIC is readable");
    t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64
}

/// One piece of work: where it ran, what it was, when it started and ended
/// (nanoseconds on [`now_ns`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// The thread or process the work ran on: one row of the picture.
    pub lane: String,
    /// What the work was: the text on the bar.
    pub label: String,
    /// When it started, in nanoseconds on [`now_ns`].
    pub start_ns: u64,
    /// When it ended; never before `start_ns`.
    pub end_ns: u64,
}

impl Span {
    /// A span from known times. Panics if `end_ns < start_ns`.
    pub fn new(lane: &str, label: &str, start_ns: u64, end_ns: u64) -> Span {
        assert!(
            end_ns >= start_ns,
            "a span cannot end ({end_ns} ns) before it starts ({start_ns} ns)"
        );
        Span {
            lane: lane.to_string(),
            label: label.to_string(),
            start_ns,
            end_ns,
        }
    }

    /// Runs `work` and returns its result with the span it took. Use it where
    /// there is no [`Recorder`] at hand, for example in a forked child that
    /// sends its span back to the parent.
    pub fn measure<T>(lane: &str, label: &str, work: impl FnOnce() -> T) -> (T, Span) {
        let start_ns = now_ns();
        let value = work();
        let end_ns = now_ns();
        (value, Span::new(lane, label, start_ns, end_ns))
    }

    /// How long the span lasted, in nanoseconds.
    pub fn duration_ns(&self) -> u64 {
        self.end_ns - self.start_ns
    }
}

/// Collects spans from many threads at once (it is `Sync`: share it with an
/// `Arc` or a reference).
#[derive(Debug, Default)]
pub struct Recorder {
    spans: Mutex<Vec<Span>>,
}

impl Recorder {
    /// An empty recorder.
    pub fn new() -> Recorder {
        Recorder::default()
    }

    /// Runs `work`, records how long it took as a span on `lane`, and returns
    /// what it returned. If `work` panics, nothing is recorded.
    pub fn record<T>(&self, lane: &str, label: &str, work: impl FnOnce() -> T) -> T {
        let (value, span) = Span::measure(lane, label, work);
        self.add(span);
        value
    }

    /// Adds a span measured elsewhere (in a child process, say).
    pub fn add(&self, span: Span) {
        self.lock().push(span);
    }

    /// Adds many spans measured elsewhere.
    pub fn extend(&self, spans: impl IntoIterator<Item = Span>) {
        self.lock().extend(spans);
    }

    /// A copy of the spans recorded so far, in the order they were added.
    pub fn spans(&self) -> Vec<Span> {
        self.lock().clone()
    }

    /// A timeline of the spans recorded so far, ready to draw.
    pub fn timeline(&self) -> Timeline {
        Timeline::new(self.spans())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Span>> {
        // A panic while holding this lock cannot leave the Vec half-updated
        // (push and extend either happen or not), so a poisoned lock is fine.
        self.spans.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn the_clock_never_goes_backwards() {
        let mut last = now_ns();
        for _ in 0..1000 {
            let now = now_ns();
            assert!(now >= last, "CLOCK_MONOTONIC went from {last} to {now}");
            last = now;
        }
    }

    #[test]
    fn record_returns_the_value_and_keeps_a_span() {
        let recorder = Recorder::new();
        let before = now_ns();
        let sum = recorder.record("main", "sum", || (1..=10).sum::<i32>());
        let after = now_ns();
        assert_eq!(sum, 55);
        let spans = recorder.spans();
        assert_eq!(spans.len(), 1);
        let span = &spans[0];
        assert_eq!((span.lane.as_str(), span.label.as_str()), ("main", "sum"));
        assert!(before <= span.start_ns && span.start_ns <= span.end_ns && span.end_ns <= after);
    }

    #[test]
    fn threads_share_one_recorder() {
        let recorder = Arc::new(Recorder::new());
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let recorder = Arc::clone(&recorder);
                std::thread::spawn(move || {
                    for j in 0..25 {
                        recorder.record(&format!("t{i}"), &format!("job {j}"), || ());
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let spans = recorder.spans();
        assert_eq!(
            spans.len(),
            100,
            "every record() call keeps exactly one span"
        );
        for i in 0..4 {
            let lane = format!("t{i}");
            assert_eq!(spans.iter().filter(|s| s.lane == lane).count(), 25);
        }
    }

    #[test]
    fn a_panicking_closure_records_nothing_and_the_recorder_still_works() {
        let recorder = Arc::new(Recorder::new());
        let r = Arc::clone(&recorder);
        let outcome = std::thread::spawn(move || r.record("t", "boom", || panic!("boom"))).join();
        assert!(outcome.is_err());
        recorder.record("t", "fine", || ());
        assert_eq!(recorder.spans().len(), 1);
    }

    #[test]
    fn spans_survive_a_round_trip_through_bytes() {
        let span = Span::new("child 4242", "hash the file", 1_000, 2_500);
        let bytes = postcard::to_stdvec(&span).unwrap();
        let back: Span = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, span);
        assert_eq!(back.duration_ns(), 1_500);
    }

    #[test]
    #[should_panic(expected = "cannot end")]
    fn a_span_cannot_end_before_it_starts() {
        Span::new("main", "backwards", 10, 5);
    }
}
