//! The results page rendered from known numbers: the table, the ratios, the
//! targets and the charts say what the numbers say.

use std::collections::BTreeMap;

use bench::cold_start::{ColdStart, Step};
use bench::machine::Machine;
use bench::report::{
    FINDINGS, Results, SECTIONS, Verdict, findings, format_bytes_rate, format_items_rate,
    format_time, render_findings, render_markdown, render_targets, targets, three_digits,
};
use bench::svg;
use timeline::draw::Axis;

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
        cold_start: None,
        not_measured: BTreeMap::new(),
        measured_apart: BTreeMap::new(),
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
    assert_eq!(verdict("Chapter 5's pipe queue"), Verdict::NotMeasured);

    let readers = render_markdown(&r);
    assert!(
        !readers.contains("missed"),
        "targets belong to the maintainers' page, not the readers' table:\n{readers}"
    );
    let md = render_targets(&r);
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
        "Chapter 5's pipe queue at least 0.5× the items/s of its write/read floor",
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
    assert_eq!(
        svg::fit_axis(10.0, 80.0),
        Axis::Linear {
            max: 80.0,
            step: 20.0
        }
    );
    assert_eq!(
        svg::fit_axis(10.0, 83.0).ticks(),
        vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    );
    let log = svg::fit_axis(3e-6, 0.2);
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

#[test]
fn the_pages_sentences_quote_the_committed_numbers() {
    let r = results(
        &[
            ("cpu/threads_1", 10e-3),
            ("cpu/threads_2", 5.5e-3),
            ("counter/mutex_1", 20e-9),
        ],
        &[
            ("cpu/threads_1", 300e-3),
            ("cpu/threads_2", 310e-3),
            ("counter/lock_1", 240e-9),
        ],
    );
    let findings: BTreeMap<&str, String> = findings(&r).into_iter().collect();
    assert_eq!(
        findings.len(),
        FINDINGS.len() + bench::mpi::FINDINGS.len(),
        "one sentence per anchor: {findings:?}"
    );
    assert_eq!(findings["one_thread_speedup"], "30.0× faster");
    assert_eq!(findings["rust_two_threads"], "1.82× as fast");
    assert_eq!(
        findings["gil_threads"],
        "310 ms on two threads against 300 ms on one"
    );
    // Python code runs 12× (the lock) to 30× (the loop) slower here.
    assert_eq!(findings["python_code_speedup"], "12.0× to 30.0×");
    assert!(
        findings["machine"].contains("2-core") && findings["machine"].contains("0.10"),
        "{}",
        findings["machine"]
    );
    assert_eq!(findings["queue"], "(not measured in this run)");
    let md = render_findings(&r);
    assert!(
        md.contains("<!-- ANCHOR: gil_threads -->\n310 ms on two threads against 300 ms on one\n<!-- ANCHOR_END: gil_threads -->"),
        "{md}"
    );
}

#[test]
fn the_cold_start_figures_go_to_the_readers_table_and_the_budget_to_the_targets() {
    let mut r = results(&[], &[]);
    let step = |command: &str, cpu_seconds: f64, wall_seconds: f64| Step {
        command: command.to_string(),
        cpu_seconds,
        wall_seconds,
    };
    let targets = render_targets(&r);
    assert!(
        targets.contains("| (not measured yet) |"),
        "with no cold-start figures the budget table says so:\n{targets}"
    );
    r.cold_start = Some(ColdStart {
        commit: "abc1234".into(),
        date: "2026-01-01 00:00 UTC".into(),
        load_before: "3.00, 2.00, 1.00".into(),
        load_after: "4.00, 3.00, 2.00".into(),
        steps: vec![
            step("cargo course list", 80.4, 60.0),
            step("cargo course test ordered_results", 75.0, 50.0),
            step("cargo course book", 140.0, 90.0),
            step("edit, then cargo course test ordered_results", 1.14, 3.5),
        ],
    });
    let readers = render_markdown(&r);
    assert_eq!(
        line_of(&readers, "`cargo course list`"),
        "| `cargo course list` | 80 CPU s | 60.0 s |"
    );
    assert!(
        readers.contains("commit `abc1234`") && readers.contains("3.00, 2.00, 1.00"),
        "the readers' table names the commit and the load:\n{readers}"
    );
    let targets = render_targets(&r);
    assert!(
        line_of(&targets, "`cargo course list`").ends_with("| 80 CPU s | met |"),
        "{targets}"
    );
    assert!(
        line_of(&targets, "`cargo course test ordered_results`").contains("**missed** by 25.0%"),
        "75 CPU s against a budget of 60 is 25% over:\n{targets}"
    );
    assert!(
        line_of(&targets, "`edit, then cargo course test ordered_results`")
            .ends_with("| 1.1 CPU s | met |"),
        "the warm loop is judged on CPU time (1.14 s), not on its 3.5 s of wall time \
         on a loaded machine:\n{targets}"
    );
}

#[test]
fn mpi_rows_say_why_a_side_was_not_measured_and_when_they_were_measured() {
    use bench::mpi::{BANDWIDTH, ROUND_TRIP, SQUARE_MAP};
    let mut r = results(
        &[
            (ROUND_TRIP, 0.8e-6),
            // 2 MiB there and back in 1 ms: 2000 MiB/s.
            (BANDWIDTH, 1e-3),
            (SQUARE_MAP, 25e-3),
            ("map/process_pool", 20e-3),
            ("map/rayon", 0.4e-3),
            ("queue/small_items", 1e-6),
        ],
        &[],
    );
    r.not_measured
        .insert("python:mpi".into(), "mpi4py is not installed".into());
    r.measured_apart.insert(
        "mpi".into(),
        "2026-01-02 00:00 UTC, load average 1.00 before".into(),
    );
    let md = render_markdown(&r);
    assert_eq!(
        line_of(&md, "MPI round trip, 8 bytes"),
        "| MPI round trip, 8 bytes | 800 ns | not measured | — | — | — |"
    );
    assert_eq!(
        line_of(&md, "MPI ping-pong, 1 MiB messages"),
        "| MPI ping-pong, 1 MiB messages | 1.95 GiB/s | not measured | — | — | — |"
    );
    assert!(
        md.contains("the Python side of the `mpi` rows: mpi4py is not installed"),
        "the reason is under the table:\n{md}"
    );
    assert!(
        md.contains("The `mpi` rows were measured on their own, not in the run above: 2026-01-02"),
        "{md}"
    );
    // The map row sits with the other maps, after them.
    let map_rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| map:")).collect();
    assert_eq!(
        map_rows
            .last()
            .map(|l| l.starts_with("| map: MPI scatter/gather")),
        Some(true),
        "{map_rows:?}"
    );
    let sentences: BTreeMap<&str, String> = findings(&r).into_iter().collect();
    assert_eq!(
        sentences["mpi_round_trip"],
        "800 ns from Rust (the mpi4py side was not measured: mpi4py is not installed)"
    );
    assert_eq!(
        sentences["mpi_queue"],
        "one MPI round trip every 800 ns against one item every 1.00 µs through chapter \
         5's queue"
    );
    assert_eq!(
        sentences["mpi_map"],
        "25.0 ms from Rust (mpi4py: not measured); that is 1.25× the time of chapter 7's \
         process pool (20.0 ms) and 62.5× rayon's (400 µs)"
    );
    r.python.insert(ROUND_TRIP.into(), 4e-6);
    assert_eq!(
        findings(&r)
            .into_iter()
            .find(|(name, _)| *name == "mpi_round_trip")
            .map(|(_, s)| s),
        Some("800 ns from Rust and 4.00 µs with mpi4py".to_string())
    );
    assert_eq!(
        line_of(&render_markdown(&r), "MPI round trip, 8 bytes"),
        "| MPI round trip, 8 bytes | 800 ns | 4.00 µs | — | 5.00× faster | — |"
    );
    let charts: Vec<&str> = SECTIONS
        .iter()
        .filter(|s| svg::chart_for(s, &r).is_some())
        .map(|s| s.name)
        .collect();
    assert_eq!(charts, ["queues", "mpi_round_trip", "mpi_bandwidth", "map"]);

    // Without Open MPI, no number and the reason on both sides.
    let mut r = results(&[], &[]);
    r.not_measured.insert(
        "rust:mpi".into(),
        "Open MPI's `mpirun` is not installed".into(),
    );
    assert!(
        line_of(&render_markdown(&r), "MPI round trip, 8 bytes")
            .starts_with("| MPI round trip, 8 bytes | not measured |")
    );
    assert_eq!(
        findings(&r)
            .into_iter()
            .find(|(name, _)| *name == "mpi_round_trip")
            .map(|(_, s)| s),
        Some("(not measured in this run)".to_string())
    );
}

#[test]
fn mpi_rows_between_two_hosts_stand_beside_one_host_and_say_why_when_missing() {
    use bench::mpi::{
        BANDWIDTH, HOSTS_BANDWIDTH, HOSTS_ROUND_TRIP, MpiRun, ROUND_TRIP, merge_into,
    };
    let mut r = results(
        &[
            (ROUND_TRIP, 1e-6),
            (BANDWIDTH, 1e-3),
            (HOSTS_ROUND_TRIP, 50e-6),
            // 2 MiB there and back in 4 ms: 500 MiB/s.
            (HOSTS_BANDWIDTH, 4e-3),
        ],
        &[(HOSTS_ROUND_TRIP, 100e-6)],
    );
    r.not_measured
        .insert("python:mpi_hosts".into(), "mpi4py is not installed".into());
    let md = render_markdown(&r);
    assert_eq!(
        line_of(&md, "MPI round trip, 8 bytes, two hosts (TCP)"),
        "| MPI round trip, 8 bytes, two hosts (TCP) | 50.0 µs | 100 µs | — | 2.00× faster | — |"
    );
    assert_eq!(
        line_of(&md, "MPI ping-pong, 1 MiB messages, two hosts (TCP)"),
        "| MPI ping-pong, 1 MiB messages, two hosts (TCP) | 500 MiB/s | not measured | — | — | — |"
    );
    // In the same charts as one host, right after it.
    for (section, bars) in [("mpi_round_trip", 2), ("mpi_bandwidth", 2)] {
        let section = SECTIONS.iter().find(|s| s.name == section).unwrap();
        let chart = svg::chart_for(section, &r).expect("a chart");
        let titles: Vec<&str> = chart.groups.iter().map(|g| g.title.as_str()).collect();
        assert_eq!(titles.len(), bars, "{titles:?}");
        assert!(titles[1].ends_with("two hosts (TCP)"), "{titles:?}");
    }
    let sentences: BTreeMap<&str, String> = findings(&r).into_iter().collect();
    assert_eq!(
        sentences["mpi_hosts"],
        "an 8-byte round trip took 50.0 µs between two hosts of the lab (TCP) against \
         1.00 µs between two ranks of one host (shared memory), 50.0× as long, and 1 MiB \
         messages moved 500 MiB/s against 1.95 GiB/s, 4.00× as long per round trip; the \
         mpi4py side was not measured (mpi4py is not installed)"
    );
    r.python.insert(HOSTS_BANDWIDTH.into(), 8e-3);
    let sentences: BTreeMap<&str, String> = findings(&r).into_iter().collect();
    assert!(
        sentences["mpi_hosts"].ends_with("; with mpi4py, 100 µs and 250 MiB/s"),
        "{}",
        sentences["mpi_hosts"]
    );

    // Not root, or no lab: the reason in the table's note and the sentence.
    let mut r = results(&[(ROUND_TRIP, 1e-6), (BANDWIDTH, 1e-3)], &[]);
    let run = MpiRun {
        rust: [(ROUND_TRIP.to_string(), 2e-6)].into(),
        not_measured: [(
            "rust:mpi_hosts".to_string(),
            "chapter 9's lab of two hosts needs root".to_string(),
        )]
        .into(),
        when: "2026-01-02".into(),
        ..MpiRun::default()
    };
    r.not_measured
        .insert("rust:mpi_hosts".into(), "an older reason".into());
    r.rust.insert(HOSTS_ROUND_TRIP.into(), 9.0);
    merge_into(&mut r, run, true);
    assert_eq!(r.rust.get(HOSTS_ROUND_TRIP), None, "old figures go");
    assert_eq!(r.rust.get(BANDWIDTH), None, "every MPI figure is replaced");
    assert_eq!(r.rust.get(ROUND_TRIP), Some(&2e-6));
    let md = render_markdown(&r);
    assert!(
        line_of(&md, "MPI round trip, 8 bytes, two hosts (TCP)")
            .starts_with("| MPI round trip, 8 bytes, two hosts (TCP) | not measured |"),
        "{md}"
    );
    assert!(
        md.contains(
            "the Rust side of the `mpi_hosts` rows: chapter 9's lab of two hosts needs root."
        ),
        "{md}"
    );
    let sentences: BTreeMap<&str, String> = findings(&r).into_iter().collect();
    assert_eq!(
        sentences["mpi_hosts"],
        "(not measured between two hosts in this run: chapter 9's lab of two hosts needs root)"
    );
}
