//! Check 3: each chapter page exists, links to its crate's page in the book
//! (src/crates/NN-name.md, which must be up to date and listed), shows its
//! test command, and is listed (not as a draft) in SUMMARY.md.

use std::path::Path;

use super::{Finding, listed, ok_unless, summary_entries};
use crate::course::{Chapter, Course};
use crate::crate_pages;
use crate::markdown;
use crate::repo::{Repo, normalize};
use crate::summary;

pub fn check(repo: &Repo, course: &Course) -> Vec<Finding> {
    let entries = summary_entries(repo);
    let mut findings = Vec::new();
    for chapter in &course.chapters {
        findings.extend(check_chapter(repo, chapter, &entries));
    }
    let index = crate_pages::index_path(repo);
    findings.extend(generated_page_problems(
        repo,
        &index,
        &crate_pages::render_index(course),
        &entries,
    ));
    for dir in crate::course::chapter_dirs(repo).unwrap_or_default() {
        if !dir.join("course.toml").is_file() {
            findings.push(Finding::fail(
                repo.rel(&dir),
                "has no course.toml, so it is not a chapter the tool knows",
                "add course.toml with a [chapter] table (LAYOUT.md, course.toml)",
            ));
        }
    }
    findings
}

fn check_chapter(repo: &Repo, chapter: &Chapter, entries: &[summary::Entry]) -> Vec<Finding> {
    let toml = format!("exercises/{}/course.toml", chapter.folder);
    let page = chapter.page(repo);
    let shown = repo.rel(&page);
    let Ok(text) = std::fs::read_to_string(&page) else {
        return vec![Finding::fail(
            toml,
            format!(
                "[chapter] page = {:?}, but {shown} does not exist",
                chapter.info.page
            ),
            "write the chapter page, or correct `page` (it is relative to src/)",
        )];
    };
    let mut problems = Vec::new();
    let page_dir = page.parent().unwrap_or(repo.root());
    let crate_page = crate_pages::page_path(repo, chapter);
    let crate_page_rel = crate_pages::page_rel(chapter);
    // The crate card links to the crate's page in the book: a link to the
    // crate folder itself leaves the built book and finds nothing there.
    let links_crate = markdown::link_targets(&text).iter().any(|(_, target)| {
        let path = target.split('#').next().unwrap_or_default();
        !target.contains("://")
            && !path.is_empty()
            && normalize(&page_dir.join(path)) == normalize(&crate_page)
    });
    if !links_crate {
        problems.push(Finding::fail(
            &shown,
            format!("does not link to its crate's page src/{crate_page_rel}"),
            format!(
                "add the crate card under the title: > **Crate:** [`exercises/{0}`](../{crate_page_rel}) (LAYOUT.md, The book)",
                chapter.folder
            ),
        ));
    }
    problems.extend(generated_page_problems(
        repo,
        &crate_page,
        &crate_pages::render(repo, chapter),
        entries,
    ));
    let command = format!("cargo test -p {}", chapter.crate_name);
    if !markdown::mentions_command(&text, &command) {
        problems.push(Finding::fail(
            &shown,
            format!("does not show the test command `{command}`"),
            format!("add `> **Test:** `{command}`` to the crate card"),
        ));
    }
    if listed(entries, Path::new(&chapter.info.page)).is_none() {
        problems.push(Finding::fail(
            "src/SUMMARY.md",
            format!(
                "does not list {} (chapter {})",
                chapter.info.page, chapter.info.number
            ),
            format!(
                "list it: - [{}]({}) (replacing its draft entry, if any)",
                chapter.info.title, chapter.info.page
            ),
        ));
    }
    ok_unless(problems, || {
        format!(
            "{shown}: chapter {} links its crate page src/{crate_page_rel}, shows `{command}`, listed in SUMMARY.md",
            chapter.info.number
        )
    })
}

/// A page that `cargo course book` writes (a crate page or their index):
/// present, up to date, and listed in SUMMARY.md.
fn generated_page_problems(
    repo: &Repo,
    page: &Path,
    expected: &str,
    entries: &[summary::Entry],
) -> Vec<Finding> {
    let shown = repo.rel(page);
    let fix = format!("run `cargo course book`, which rewrites {shown}, and commit it");
    let mut problems = Vec::new();
    match std::fs::read_to_string(page) {
        Err(_) => problems.push(Finding::fail(&shown, "does not exist", fix)),
        Ok(text) if text != expected => problems.push(Finding::fail(
            &shown,
            "is out of date: the files of its crate changed since it was written",
            fix,
        )),
        Ok(_) => {}
    }
    let rel = page.strip_prefix(repo.book_src()).unwrap_or(page);
    if listed(entries, rel).is_none() {
        problems.push(Finding::fail(
            "src/SUMMARY.md",
            format!("does not list {}", rel.display()),
            format!("list it under the Appendices: - [...]({})", rel.display()),
        ));
    }
    problems
}
