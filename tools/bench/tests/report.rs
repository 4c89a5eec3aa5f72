//! The results page rendered from known numbers: the table, the ratios, the
//! targets and the charts say what the numbers say.

use std::collections::BTreeMap;

use bench::machine::Machine;
use bench::report::{
    Results, SECTIONS, Verdict, format_bytes_rate, format_items_rate, format_time, render_markdown,
    targets, three_digits,
};
use bench::svg::{self, Axis};

fn results(rust: &[(&str, f64)], python: &[(&str, f64)]) -> Results {
    let map = |pairs: &[(&str, f64)]| -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    Results {
        mode: "criterion".into(),
        machine: Machine {
            cpu: "Test CPU".into(),
            cores: 2,
            memory_gib: 24.0,
            kernel: "6.1".into(),
            rustc: "rustc 1.95.0".into(),
            python: "CPython 3.11.7".into(),
            date: "2026-01-01 00:00 UTC".into(),
            load_before: "0.10, 0.20, 0.30".into(),
            load_after: "0.40, 0.50, 0.60".into(),
        },
        rust: map(rust),
        python: map(python),
    }
}

fn line_of<'a>(md: &'a str, title: &str) -> &'a str {
    md.lines()
        .find(|l| l.starts_with(&format!("| {title} |")))
        .unwrap_or_else(|| panic!("no table row titled {title:?} in:\n{md}"))
}

#[test]
fn formats_times_rates_and_ratios_with_three_digits() {
    assert_eq!(three_digits(123.456), "123");
    assert_eq!(three_digits(12.3456), "12.3");
    assert_eq!(three_digits(1.23456), "1.23");
    assert_eq!(three_digits(0.5), "0.500");
    assert_eq!(format_time(12e-9), "12.0 ns");
    assert_eq!(format_time(20e-6), "20.0 µs");
    assert_eq!(format_time(1.5e-3), "1.50 ms");
    assert_eq!(format_time(2.0), "2.00 s");
    assert_eq!(format_bytes_rate(512.0 * 1024.0 * 1024.0), "512 MiB/s");
    assert_eq!(
        format_bytes_rate(2.0 * 1024.0 * 1024.0 * 1024.0),
        "2.00 GiB/s"
    );
    assert_eq!(format_items_rate(250_000.0), "250 k items/s");
    assert_eq!(format_items_rate(1_500_000.0), "1.50 M items/s");
}

#[test]
fn a_time_row_shows_all_three_sides_and_both_ratios() {
    let r = results(
        &[
            ("thread/spawn_join", 20e-6),
            ("thread/pthread_floor", 10e-6),
        ],
        &[("thread/spawn_join", 100e-6)],
    );
    let md = render_markdown(&r);
    assert_eq!(
        line_of(&md, "Thread spawn + join"),
        "| Thread spawn + join | 20.0 µs | 100 µs | 10.0 µs | 5.00× faster | 2.00× its time |"
    );
}

#[test]
fn a_rate_row_shows_throughput_and_the_fraction_of_the_floors_rate() {
    // 64 KiB in 32 µs is 1.91 GiB/s; the floor moves it in 16 µs.
    let r = results(
        &[("pipe/framed_64k", 32e-6), ("pipe/raw_64k_floor", 16e-6)],
        &[("pipe/send_bytes", 64e-6)],
    );
    let md = render_markdown(&r);
    assert_eq!(
        line_of(&md, "Pipe, framed bytes"),
        "| Pipe, framed bytes | 1.91 GiB/s | 977 MiB/s | 3.81 GiB/s | 2.00× faster | 0.500× its rate |"
    );
}

#[test]
fn a_slower_rust_side_and_missing_values_are_shown_as_such() {
    let r = results(&[("counter/mutex_2", 40e-9)], &[("counter/lock_2", 20e-9)]);
    let md = render_markdown(&r);
    assert_eq!(
        line_of(&md, "Counter under a lock, 2 threads"),
        "| Counter under a lock, 2 threads | 40.0 ns | 20.0 ns | — | 2.00× slower | — |"
    );
    assert_eq!(
        line_of(&md, "Atomic counter, 1 thread"),
        "| Atomic counter, 1 thread | — | — | — | — | — |"
    );
}

#[test]
fn the_page_names_the_machine_and_the_load() {
    let md = render_markdown(&results(&[], &[]));
    for expected in [
        "Test CPU",
        "2 cores",
        "24 GiB",
        "rustc 1.95.0",
        "CPython 3.11.7",
        "0.10, 0.20, 0.30",
        "0.40, 0.50, 0.60",
    ] {
        assert!(
            md.contains(expected),
            "the machine paragraph lacks {expected:?}:\n{md}"
        );
    }
}

#[test]
fn targets_are_met_missed_by_how_much_or_not_measured() {
    let r = results(
        &[
            ("process/process_start_join", 120e-6),
            ("process/fork_floor", 100e-6),
            ("pipe/framed_64k", 20e-6),
            ("pipe/raw_64k_floor", 10e-6),
            ("cpu/threads_1", 100e-3),
            ("cpu/threads_2", 52e-3),
        ],
        &[],
    );
    let verdict = |goal_start: &str| {
        targets()
            .into_iter()
            .find(|t| t.goal.starts_with(goal_start))
            .unwrap_or_else(|| panic!("no target starting {goal_start:?}"))
            .verdict(&r)
    };
    assert_eq!(verdict("Process start"), Verdict::Met { ratio: 1.2 });
    // 0.5× the floor's throughput against a bound of 0.8: 37.5% short.
    match verdict("Pipe throughput") {
        Verdict::Missed { ratio, by } => {
            assert!(
                (ratio - 0.5).abs() < 1e-12 && (by - 0.375).abs() < 1e-12,
                "{ratio} {by}"
            );
        }
        other => panic!("expected a miss, got {other:?}"),
    }
    assert!(
        matches!(verdict("A CPU-bound"), Verdict::Met { ratio } if (ratio - 100.0 / 52.0).abs() < 1e-12)
    );
    assert_eq!(verdict("Queue"), Verdict::NotMeasured);

    let md = render_markdown(&r);
    let pipe = line_of(
        &md,
        "Pipe throughput at least 0.8× the bare write/read loop",
    );
    assert!(
        pipe.contains("0.500× the floor's throughput") && pipe.contains("**missed** by 37.5%"),
        "{pipe}"
    );
    let queue = line_of(
        &md,
        "Queue at least 10× the items/s of Python's multiprocessing.Queue",
    );
    assert!(queue.contains("not measured"), "{queue}");
}

#[test]
fn a_chart_has_one_bar_per_measured_value_with_lengths_in_proportion() {
    let r = results(
        &[("counter/mutex_1", 40e-9), ("counter/atomic_1", 10e-9)],
        &[("counter/lock_1", 80e-9)],
    );
    let section = SECTIONS.iter().find(|s| s.name == "counters").unwrap();
    let chart = svg::chart_for(section, &r).expect("the counters were measured");
    assert_eq!(
        chart.groups.len(),
        2,
        "rows with no value get no group: {chart:?}"
    );
    let text = svg::render_svg(&chart);
    assert!(text.starts_with("<svg ") && text.trim_end().ends_with("</svg>"));
    assert_eq!(
        text.matches("<text").count(),
        text.matches("</text>").count()
    );

    let widths: Vec<f64> = text
        .lines()
        .filter(|l| l.contains("class=\"bar "))
        .map(|l| {
            let start = l.find("width=\"").unwrap() + 7;
            l[start..].split('"').next().unwrap().parse().unwrap()
        })
        .collect();
    assert_eq!(
        widths.len(),
        3,
        "three measured values, three bars:\n{text}"
    );
    // Linear axis (80/10 = 8 < 30): Rust mutex 40 ns, Python 80 ns, atomic 10 ns.
    assert!((widths[1] / widths[0] - 2.0).abs() < 0.01, "{widths:?}");
    assert!((widths[0] / widths[2] - 4.0).abs() < 0.02, "{widths:?}");
    assert!(text.contains("40.0 ns") && text.contains("80.0 ns"));
    assert!(!text.contains("logarithmic"));
}

#[test]
fn a_wide_range_gets_a_logarithmic_axis_and_text_is_escaped() {
    let r = results(
        &[
            ("pipe/framed_64k_vec", 500e-6),
            ("pipe/raw_64k_floor", 5e-6),
        ],
        &[("pipe/send_pickled", 30e-6)],
    );
    let section = SECTIONS.iter().find(|s| s.name == "pipes").unwrap();
    let text = svg::render_svg(&svg::chart_for(section, &r).unwrap());
    assert!(
        text.contains("logarithmic axis"),
        "a 100× range needs a log axis:\n{text}"
    );
    assert!(
        text.contains("Vec&lt;u8&gt;"),
        "the row title must be escaped:\n{text}"
    );
    assert!(
        !text.contains('`'),
        "Markdown backticks do not belong in a chart"
    );
}

#[test]
fn axes_have_round_ticks() {
    assert_eq!(Axis::fit(10.0, 80.0), Axis::Linear { max: 80.0 });
    assert_eq!(
        Axis::fit(10.0, 83.0).ticks(),
        vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    );
    let log = Axis::fit(3e-6, 0.2);
    assert_eq!(
        log,
        Axis::Log {
            low: 1e-6,
            high: 1.0
        }
    );
    assert_eq!(log.ticks().len(), 7);
    assert!((log.position(1e-3) - 0.5).abs() < 1e-12);
}

#[test]
fn the_python_harness_speaks_the_json_the_report_reads() {
    let run = testkit::within(
        testkit::DEADLINE,
        "the Python harness",
        "python3 is missing or harness.py hangs",
        || bench::python::run(true, Some("thread/spawn_join")),
    )
    .expect("python3 tools/bench/python/harness.py --quick --only thread/spawn_join failed");
    assert!(run.python.starts_with("CPython 3"), "{}", run.python);
    let seconds = run.seconds();
    let spawn = seconds
        .get("thread/spawn_join")
        .expect("the harness did not report thread/spawn_join");
    assert!(*spawn > 0.0, "a thread spawn cannot take {spawn} s");
    assert_eq!(seconds.len(), 1, "--only was not honoured: {seconds:?}");
}
