//! Check 5: the book builds without warnings, and every page SUMMARY.md lists
//! (drafts aside) exists.

use super::{Finding, ok_unless};
use crate::book;
use crate::repo::Repo;
use crate::summary;

pub fn check(repo: &Repo) -> Vec<Finding> {
    let mut findings = check_summary_pages(repo);
    match book::build(repo, false) {
        Err(error) => findings.push(Finding::fail(
            "book.toml",
            format!("the book does not build: {error:#}"),
            "run `cargo course book` and fix the first error it shows",
        )),
        Ok(built) if built.diagnostics.is_empty() => findings.push(Finding::ok(format!(
            "the book builds without warnings: {}",
            repo.rel(&built.index)
        ))),
        Ok(built) => {
            for diagnostic in built.diagnostics {
                findings.push(Finding::fail(
                    "book",
                    diagnostic.to_string(),
                    "fix what mdBook names (a broken {{#include}} leaves a hole in the page)",
                ));
            }
        }
    }
    findings
}

fn check_summary_pages(repo: &Repo) -> Vec<Finding> {
    let path = repo.book_src().join("SUMMARY.md");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return vec![Finding::fail(
            "src/SUMMARY.md",
            "is missing",
            "write the book's table of contents (mdBook's SUMMARY.md)",
        )];
    };
    let entries = summary::entries(&text);
    let mut findings = Vec::new();
    let mut listed = 0;
    for entry in &entries {
        let Some(page) = &entry.path else { continue };
        listed += 1;
        if !repo.book_src().join(page).is_file() {
            findings.push(Finding::fail(
                format!("src/SUMMARY.md:{}", entry.line),
                format!(
                    "lists [{}]({page}), but src/{page} does not exist",
                    entry.title
                ),
                format!(
                    "write the page, or make the entry a draft until it exists: - [{}]()",
                    entry.title
                ),
            ));
        }
    }
    ok_unless(findings, || {
        format!(
            "src/SUMMARY.md: all {listed} listed pages exist ({} drafts)",
            entries.iter().filter(|e| e.is_draft()).count()
        )
    })
}
