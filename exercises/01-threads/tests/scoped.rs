//! Tests of the scoped-threads example: `cargo test -p threads --test scoped`.

use testkit::{DEADLINE, bin_path, run_program, within};
use threads::demos::scoped::{POEM, count_words_per_line, parallel_sum};

#[test]
fn parallel_sum_matches_the_sequential_sum() {
    within(
        DEADLINE,
        "parallel_sum",
        "a summing thread never finished",
        || {
            for len in [0_u64, 1, 2, 10, 1001] {
                let numbers: Vec<u64> = (1..=len).collect();
                let expected: u64 = numbers.iter().sum();
                for workers in [0, 1, 2, 3, 4, 7, 16, 2000] {
                    assert_eq!(
                        parallel_sum(&numbers, workers),
                        expected,
                        "sum of 1..={len} on {workers} workers"
                    );
                }
            }
        },
    );
}

#[test]
fn count_words_per_line_matches_a_sequential_count() {
    let lines = [
        "one",
        "",
        "two words",
        "  three   spaced words ",
        "the quick brown fox",
    ];
    within(
        DEADLINE,
        "count_words_per_line",
        "a counting thread never finished",
        move || {
            for workers in [0, 1, 2, 3, 5, 8] {
                assert_eq!(
                    count_words_per_line(&lines, workers),
                    [1, 0, 2, 3, 4],
                    "word counts with {workers} workers"
                );
            }
            assert!(count_words_per_line(&[], 4).is_empty());
        },
    );
}

#[test]
fn scoped_threads_prints_the_sum_and_the_counts() {
    let run = run_program(bin_path!("scoped_threads"), &[], DEADLINE);
    assert!(
        run.status.success(),
        "scoped_threads failed: {}\n{}",
        run.status,
        run.stderr
    );
    let mut expected = vec!["sum of 1..=1000000 on 4 threads: 500000500000".to_string()];
    for line in POEM {
        expected.push(format!("{} words: {line}", line.split_whitespace().count()));
    }
    expected.push("main: still own 1000000 numbers".to_string());
    assert_eq!(run.lines(), expected);
}
