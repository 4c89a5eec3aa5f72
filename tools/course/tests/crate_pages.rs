//! The book's crate pages (src/crates/NN-name.md): what they list, and the
//! chapter check that keeps them and the crate cards right.

mod common;

use std::path::{Path, PathBuf};

use common::copy_dir;
use course::commands::verify::{Finding, chapters};
use course::course::Course;
use course::crate_pages;
use course::repo::Repo;

fn fixture_copy(test: &str) -> PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/repo");
    let copy = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("crate-pages")
        .join(test);
    let _ = std::fs::remove_dir_all(&copy);
    copy_dir(&fixture, &copy);
    copy
}

fn problems(repo: &Repo) -> Vec<String> {
    let course = Course::load(repo).unwrap();
    chapters::check(repo, &course)
        .into_iter()
        .filter_map(|f| match f {
            Finding::Fail(p) => Some(format!("{}: {} (fix: {})", p.place, p.what, p.fix)),
            Finding::Ok(_) => None,
        })
        .collect()
}

#[test]
fn the_committed_fixture_pages_are_up_to_date() {
    let root = fixture_copy("up_to_date");
    let repo = Repo::at(&root);
    assert_eq!(
        problems(&repo),
        Vec::<String>::new(),
        "the fixture's crate pages (tests/fixtures/repo/src/crates/) should match what \
         `cargo course book` writes: run it in the fixture and commit the pages"
    );
}

#[test]
fn a_page_lists_every_file_of_its_crate_and_includes_it() {
    let root = fixture_copy("lists");
    let repo = Repo::at(&root);
    let course = Course::load(&repo).unwrap();
    let chapter = &course.chapters[0];
    // A student's backup and build output are not part of the crate.
    std::fs::write(chapter.dir.join("src/exercises/greet.rs.bak"), "old\n").unwrap();
    std::fs::create_dir_all(chapter.dir.join("target/debug")).unwrap();
    std::fs::write(chapter.dir.join("target/debug/junk.rs"), "\n").unwrap();
    let page = crate_pages::render(&repo, chapter);
    let files = crate_pages::shown_files(&chapter.dir);
    assert_eq!(
        files.first().map(|f| f.to_string_lossy().into_owned()),
        Some("Cargo.toml".to_string()),
        "the manifest comes first: {files:?}"
    );
    for file in [
        "src/lib.rs",
        "python/hello.py",
        "tests/greet.rs",
        "compile_fail/moved_name.rs",
    ] {
        let include = format!("{{{{#include ../../exercises/01-greetings/{file}}}}}");
        assert!(
            page.contains(&include),
            "the page should include {file}:\n{page}"
        );
    }
    assert!(
        !page.contains(".bak") && !page.contains("junk.rs"),
        "the page should leave out backups and target/:\n{page}"
    );
    assert!(
        page.contains("## `src/lib.rs` {#src-lib-rs}"),
        "each file gets a heading with a stable id:\n{page}"
    );
}

#[test]
fn a_new_file_or_a_card_linking_the_folder_fails_with_a_fix() {
    let root = fixture_copy("stale");
    let repo = Repo::at(&root);
    std::fs::write(
        root.join("exercises/01-greetings/src/bin/extra.rs"),
        "fn main() {}\n",
    )
    .unwrap();
    let card = root.join("src/01-greetings/index.md");
    let text = std::fs::read_to_string(&card).unwrap().replace(
        "(../crates/01-greetings.md)",
        "(../../exercises/01-greetings/)",
    );
    std::fs::write(&card, text).unwrap();

    let found = problems(&repo).join("\n");
    assert!(
        found.contains("src/crates/01-greetings.md: is out of date")
            && found.contains("run `cargo course book`"),
        "a crate page that misses a new file should fail with the command that rewrites it:\n{found}"
    );
    assert!(
        found.contains("does not link to its crate's page src/crates/01-greetings.md"),
        "a crate card that links the folder (outside the book) should fail:\n{found}"
    );

    let course = Course::load(&repo).unwrap();
    let written = crate_pages::write(&repo, &course).unwrap();
    assert_eq!(written, vec![root.join("src/crates/01-greetings.md")]);
    assert!(
        !problems(&repo).join("\n").contains("out of date"),
        "after `write` the page is current"
    );
}
