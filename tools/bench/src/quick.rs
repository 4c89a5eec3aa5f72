//! The `--quick` harness: no statistics, a fixed number of iterations.
//!
//! Each benchmark runs one small warm-up batch, then `repeats` batches of
//! its `quick_iters` iterations; the result is the median time per
//! iteration. Good enough to see the shape of the results in seconds; the
//! committed numbers come from criterion.

use crate::suite::Bench;

/// Median seconds per iteration of `bench` over `repeats` batches.
pub fn measure(bench: &Bench, repeats: usize) -> f64 {
    (bench.run)((bench.quick_iters / 10).max(1));
    let samples: Vec<f64> = (0..repeats.max(1))
        .map(|_| (bench.run)(bench.quick_iters).as_secs_f64() / bench.quick_iters as f64)
        .collect();
    median(samples)
}

/// The median of `samples` (the mean of the middle two for an even count).
/// Panics on an empty list.
pub fn median(mut samples: Vec<f64>) -> f64 {
    assert!(!samples.is_empty(), "the median of no samples");
    samples.sort_by(f64::total_cmp);
    let middle = samples.len() / 2;
    if samples.len() % 2 == 1 {
        samples[middle]
    } else {
        (samples[middle - 1] + samples[middle]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(vec![7.0]), 7.0);
    }
}
