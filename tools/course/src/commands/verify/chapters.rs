//! Check 3: each chapter page exists, links to its crate folder, shows its
//! test command, and is listed (not as a draft) in SUMMARY.md.

use super::Finding;
use crate::course::{Chapter, Course};
use crate::markdown;
use crate::repo::{Repo, normalize};
use crate::summary;

pub fn check(repo: &Repo, course: &Course) -> Vec<Finding> {
    let summary_text =
        std::fs::read_to_string(repo.book_src().join("SUMMARY.md")).unwrap_or_default();
    let entries = summary::entries(&summary_text);
    let mut findings = Vec::new();
    for chapter in &course.chapters {
        findings.extend(check_chapter(repo, chapter, &entries));
    }
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
    let crate_dir = normalize(&chapter.dir);
    let links_crate = markdown::link_targets(&text).iter().any(|(_, target)| {
        !target.contains("://")
            && normalize(&page_dir.join(target.trim_end_matches('/'))) == crate_dir
    });
    if !links_crate {
        problems.push(Finding::fail(
            &shown,
            format!("does not link to its crate folder exercises/{}", chapter.folder),
            format!(
                "add the crate card under the title: > **Crate:** [`exercises/{0}`](../../exercises/{0}/) (LAYOUT.md, The book)",
                chapter.folder
            ),
        ));
    }
    let command = format!("cargo test -p {}", chapter.crate_name);
    if !markdown::mentions_command(&text, &command) {
        problems.push(Finding::fail(
            &shown,
            format!("does not show the test command `{command}`"),
            format!("add `> **Test:** `{command}`` to the crate card"),
        ));
    }
    match entries.iter().find(|e| {
        e.path
            .as_deref()
            .map(|p| normalize(std::path::Path::new(p)))
            == Some(normalize(std::path::Path::new(&chapter.info.page)))
    }) {
        Some(_) => {}
        None => problems.push(Finding::fail(
            "src/SUMMARY.md",
            format!(
                "does not list {} (chapter {})",
                chapter.info.page, chapter.info.number
            ),
            format!(
                "list it: - [{}]({}) (replacing its draft entry, if any)",
                chapter.info.title, chapter.info.page
            ),
        )),
    }
    if problems.is_empty() {
        vec![Finding::ok(format!(
            "{shown}: chapter {} links exercises/{}, shows `{command}`, listed in SUMMARY.md",
            chapter.info.number, chapter.folder
        ))]
    } else {
        problems
    }
}
