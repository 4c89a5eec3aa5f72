//! Test of the program that draws the chapter's timelines.

use testkit::{DEADLINE, bin_path, run_program};

#[test]
fn timelines_draws_one_bar_per_thread_and_per_request() {
    let _clean = testkit::process_scope();
    let dir = std::env::temp_dir().join(format!("choosing-timelines-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dir_arg = dir
        .to_str()
        .expect("the temporary directory has a UTF-8 path");
    let run = run_program(bin_path!("timelines"), &[dir_arg], 2 * DEADLINE);
    let bars = |file: &str| {
        let svg = std::fs::read_to_string(dir.join(file))
            .unwrap_or_else(|e| panic!("timelines did not write {file}: {e}\n{}", run.stderr));
        svg.matches(r#"class="span""#).count()
    };
    let counts = [
        ("cpu-1-thread.svg", bars("cpu-1-thread.svg"), 1),
        ("cpu-2-threads.svg", bars("cpu-2-threads.svg"), 2),
        ("io-sequential.svg", bars("io-sequential.svg"), 6),
        ("io-threads.svg", bars("io-threads.svg"), 6),
    ];
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        run.status.success(),
        "timelines failed: {}\n{}",
        run.status,
        run.stderr
    );
    for (file, got, expected) in counts {
        assert_eq!(got, expected, "{file}: one bar per thread or request");
    }
}
