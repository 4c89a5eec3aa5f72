//! Test of the program that draws the singer and the dancer as a timeline:
//! `cargo test -p threads --test timeline`.

use testkit::{DEADLINE, bin_path, run_program};

#[test]
fn the_timeline_has_a_bar_per_beat_on_three_lanes() {
    let _clean = testkit::process_scope();
    let path = std::env::temp_dir().join(format!("thread-timeline-{}.svg", std::process::id()));
    let path_arg = path
        .to_str()
        .expect("the temporary directory has a UTF-8 path");
    let run = run_program(bin_path!("thread_timeline"), &[path_arg], DEADLINE);
    assert!(
        run.status.success(),
        "thread_timeline failed: {}\n{}",
        run.status,
        run.stderr
    );
    let svg = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("thread_timeline did not write {path_arg}: {e}"));
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        run.count_lines_containing("Singing..."),
        3,
        "output:\n{}",
        run.stdout
    );
    assert_eq!(
        run.count_lines_containing("Dancing..."),
        5,
        "output:\n{}",
        run.stdout
    );
    assert_eq!(
        svg.matches(r#"class="span""#).count(),
        9,
        "expected 3 singing bars, 5 dancing bars and main's join: one bar per recorded span"
    );
    for lane in ["main", "singer", "dancer"] {
        assert!(
            svg.contains(&format!(">{lane}</text>")),
            "the picture has no row for {lane:?}"
        );
    }
}
