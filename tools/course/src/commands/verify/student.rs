//! Check 6: the student copy drops `solutions/` and `src/solutions/`; nothing
//! else may depend on them.

use super::{Finding, ok_unless, summary_entries};
use crate::markdown;
use crate::repo::{Repo, files_with_suffix, normalize};
use crate::summary;

pub fn check(repo: &Repo) -> Vec<Finding> {
    let mut findings = check_summary(repo);
    findings.extend(check_includes(repo));
    findings
}

fn is_solution_page(path: &str) -> bool {
    normalize(std::path::Path::new(path)).starts_with("solutions")
}

/// Solution pages appear only under the "Solutions" entry, and that entry
/// holds nothing else.
fn check_summary(repo: &Repo) -> Vec<Finding> {
    let entries = summary_entries(repo);
    let solutions_entry = entries
        .iter()
        .position(|e| e.title.trim().eq_ignore_ascii_case("solutions") && !e.is_draft());
    let under: Vec<usize> = match solutions_entry {
        Some(index) => {
            let count = summary::children(&entries, index).len();
            (index..=index + count).collect()
        }
        None => Vec::new(),
    };
    let mut findings = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let Some(path) = &entry.path else { continue };
        let solution_page = is_solution_page(path);
        if solution_page && !under.contains(&index) {
            findings.push(Finding::fail(
                format!("src/SUMMARY.md:{}", entry.line),
                format!("the solution page {path} is listed outside the \"Solutions\" entry"),
                "nest it under - [Solutions](solutions/index.md): the student copy drops that entry whole",
            ));
        }
        if !solution_page && under.contains(&index) {
            findings.push(Finding::fail(
                format!("src/SUMMARY.md:{}", entry.line),
                format!("{path} is nested under \"Solutions\" but is not in src/solutions/"),
                "move the page into src/solutions/, or out of the Solutions entry",
            ));
        }
    }
    ok_unless(findings, || match solutions_entry {
        Some(_) => format!(
            "src/SUMMARY.md: {} solution page(s), all under \"Solutions\"",
            under.len()
        ),
        None => "src/SUMMARY.md: no solution pages".to_string(),
    })
}

/// No page outside `src/solutions/` includes a file from `solutions/`.
fn check_includes(repo: &Repo) -> Vec<Finding> {
    let solution_pages = normalize(&repo.book_src().join("solutions"));
    let solution_crates = normalize(&repo.solutions_dir());
    let mut findings = Vec::new();
    let mut pages = 0;
    for page in files_with_suffix(&repo.book_src(), ".md") {
        if normalize(&page).starts_with(&solution_pages) {
            continue;
        }
        pages += 1;
        let text = std::fs::read_to_string(&page).unwrap_or_default();
        let dir = page.parent().unwrap_or(repo.root());
        for include in markdown::includes(&text) {
            if normalize(&dir.join(&include.path)).starts_with(&solution_crates) {
                findings.push(Finding::fail(
                    format!("{}:{}", repo.rel(&page), include.line),
                    format!("includes {} from solutions/, which the student copy drops", include.path),
                    "show solution code only on pages under src/solutions/; elsewhere include the exercise crate",
                ));
            }
        }
    }
    ok_unless(findings, || {
        format!("{pages} page(s) outside src/solutions/ include nothing from solutions/")
    })
}
