//! Tests of the arguments and names examples:
//! `cargo test -p threads --test arguments_and_names`.

use std::thread;

use testkit::{DEADLINE, bin_path, run_program, within};
use threads::demos::names::report_name;

#[test]
fn arguments_reach_their_threads() {
    let run = run_program(bin_path!("arguments"), &[], DEADLINE);
    assert!(
        run.status.success(),
        "arguments failed: {}\n{}",
        run.status,
        run.stderr
    );
    let lines = run.lines();

    let singing: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("Singing"))
        .collect();
    let expected_singing: Vec<String> = (1..=3).map(|i| format!("Singing... ({i}/3)")).collect();
    assert_eq!(
        singing, expected_singing,
        "the singer was started with repetitions = 3 (the positional argument)"
    );

    let dancing: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.contains("dancing"))
        .collect();
    let expected_dancing: Vec<String> = (1..=5)
        .map(|i| format!("Xiaohong dancing a twirl... ({i}/5)"))
        .collect();
    assert_eq!(
        dancing, expected_dancing,
        "the dancer was given repetitions = 5 and the default performer and step"
    );

    assert_eq!(
        lines.last().copied(),
        Some("main: both threads have finished"),
        "main joins both threads before its last line"
    );
    assert_eq!(lines.len(), 9, "3 singing, 5 dancing and 1 main line");
}

#[test]
fn a_thread_knows_its_own_name() {
    let names = within(
        DEADLINE,
        "naming threads",
        "a thread never finished",
        || {
            let named = thread::Builder::new()
                .name("ledger-loader".to_string())
                .spawn(report_name)
                .expect("could not spawn");
            let unnamed = thread::spawn(report_name);
            (named.join().unwrap(), unnamed.join().unwrap())
        },
    );
    assert_eq!(
        names,
        ("ledger-loader".to_string(), "<unnamed>".to_string()),
        "thread::current().name() is the name given to Builder::name, or None"
    );
}

#[test]
fn named_threads_shows_names_and_the_panicking_thread() {
    let run = run_program(bin_path!("named_threads"), &[], DEADLINE);
    assert!(
        run.status.success(),
        "named_threads must survive the auditor's panic: {}\n{}",
        run.status,
        run.stderr
    );
    for line in [
        "hello from main",
        "hello from ledger-loader",
        "hello from <unnamed>",
    ] {
        assert_eq!(
            run.count_lines_containing(line),
            1,
            "expected the line {line:?} once; the program printed:\n{}",
            run.stdout
        );
    }
    assert_eq!(
        run.lines().last().copied(),
        Some("main: the auditor panicked: true"),
        "join must return Err for the thread that panicked"
    );
    assert!(
        run.stderr.contains("thread 'auditor'")
            && run.stderr.contains("the ledger does not balance"),
        "the panic message should name the thread it happened on; stderr was:\n{}",
        run.stderr
    );
}
