//! The include and anchor checker (`verify`, check 1) on fixture pages.

use std::path::{Path, PathBuf};

use course::commands::verify::Finding;
use course::commands::verify::listings::check_page;
use course::repo::Repo;

fn repo() -> Repo {
    Repo::at(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/repo"))
}

fn page(name: &str) -> PathBuf {
    repo().root().join("pages").join(name)
}

fn failures(name: &str) -> Vec<(String, String, String)> {
    check_page(&repo(), &page(name))
        .into_iter()
        .filter_map(|f| match f {
            Finding::Fail(p) => Some((p.place, p.what, p.fix)),
            Finding::Ok(_) => None,
        })
        .collect()
}

#[test]
fn a_good_page_passes() {
    let findings = check_page(&repo(), &page("good.md"));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        matches!(&findings[0], Finding::Ok(text) if text.contains("3 include(s)")),
        "{findings:?}"
    );
}

#[test]
fn pasted_rust_is_reported_with_its_line() {
    let found = failures("pasted.md");
    assert_eq!(found.len(), 1, "{found:?}");
    let (place, what, fix) = &found[0];
    assert_eq!(place, "pages/pasted.md:4");
    assert!(
        what.contains("pasted") && what.contains("fn main()"),
        "{what}"
    );
    assert!(fix.contains("ANCHOR"), "{fix}");
}

#[test]
fn a_missing_anchor_is_reported_with_the_anchors_that_exist() {
    let found = failures("missing-anchor.md");
    assert_eq!(found.len(), 1, "{found:?}");
    let (place, what, fix) = &found[0];
    assert_eq!(place, "pages/missing-anchor.md:4");
    assert!(what.contains("has no anchor `farewell`"), "{what}");
    assert!(
        fix.contains("greeting"),
        "the fix should list the existing anchors: {fix}"
    );
}

#[test]
fn a_missing_file_is_reported() {
    let found = failures("missing-file.md");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.contains("goodbye.py") && found[0].1.contains("does not exist"),
        "{found:?}"
    );
}

#[test]
fn line_number_includes_are_reported() {
    let found = failures("line-numbers.md");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("by line numbers"), "{found:?}");
}

#[test]
fn a_compile_fail_listing_needs_its_folder_and_doctest() {
    let found = failures("unchecked-compile-fail.md");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.contains("not in a compile_fail/ folder"),
        "{found:?}"
    );
}
