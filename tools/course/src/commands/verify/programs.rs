//! Check 2: every program of a chapter is shown in the book with its `cargo
//! run` command, checked by a test, and built by the solution crate too.

use std::path::{Path, PathBuf};

use super::{Finding, ok_unless, stem};
use crate::course::{Chapter, Course};
use crate::manifest::Manifest;
use crate::markdown;
use crate::repo::{Repo, files_with_suffix, normalize};

pub fn check(repo: &Repo, course: &Course) -> Vec<Finding> {
    let book_text = read_all(&repo.book_src(), ".md");
    let mut findings: Vec<Finding> = course
        .chapters
        .iter()
        .flat_map(|chapter| check_chapter(repo, chapter, &book_text))
        .collect();
    findings.extend(unique_names(course));
    findings
}

/// The texts of the files under `dir` whose names end with `suffix`, one
/// after the other.
fn read_all(dir: &Path, suffix: &str) -> String {
    files_with_suffix(dir, suffix)
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Two chapters may not have a program of the same name: cargo puts every
/// binary of the workspace in one folder (target/debug/), so when both are
/// built by one command (the root `cargo test`), one overwrites the other and
/// a test runs the wrong chapter's program.
fn unique_names(course: &Course) -> Vec<Finding> {
    let mut owners: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
    for chapter in &course.chapters {
        for (program, _) in programs(chapter) {
            owners.entry(program).or_default().push(&chapter.crate_name);
        }
    }
    let clashes = owners
        .iter()
        .filter(|(_, crates)| crates.len() > 1)
        .map(|(program, crates)| {
            Finding::fail(
                format!("src/bin/{program}.rs"),
                format!(
                    "the program `{program}` exists in {}: built together, one binary overwrites the other",
                    crates.join(" and ")
                ),
                "give each chapter's program a name of its own",
            )
        })
        .collect();
    ok_unless(clashes, || {
        "every program name is unique across the chapters".into()
    })
}

/// The programs of a chapter: `src/bin/<p>.rs` and `src/bin/<p>/main.rs`.
pub fn programs(chapter: &Chapter) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(chapter.dir.join("src").join("bin")) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = stem(&path);
        if path.is_dir() && path.join("main.rs").is_file() {
            found.push((name, path.join("main.rs")));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push((name, path));
        }
    }
    found.sort();
    found
}

fn check_chapter(repo: &Repo, chapter: &Chapter, book_text: &str) -> Vec<Finding> {
    let programs = programs(chapter);
    if programs.is_empty() {
        return Vec::new();
    }
    let tests_text = read_all(&chapter.dir.join("tests"), ".rs");
    let solution_dir = chapter.solution_dir(repo);
    let solution = Manifest::read(&solution_dir).ok();
    let mut findings = Vec::new();
    for (program, source) in programs {
        let shown = repo.rel(&source);
        let mut problems = Vec::new();
        let command = format!("cargo run -p {} --bin {program}", chapter.crate_name);
        // An MPI program is built with cargo and started by `mpirun`.
        let built = [
            format!("cargo build -p {} --bin {program}", chapter.crate_name),
            format!(
                "cargo build --release -p {} --bin {program}",
                chapter.crate_name
            ),
        ];
        if !markdown::mentions_command(book_text, &command)
            && !built
                .iter()
                .any(|c| markdown::mentions_command(book_text, c))
        {
            problems.push(Finding::fail(
                &shown,
                format!("the book never shows `{command}`"),
                "show the command on the page that explains the program, with its output from a real run",
            ));
        }
        let used = format!("bin_path!(\"{program}\")");
        if !tests_text.contains(&used) {
            problems.push(Finding::fail(
                &shown,
                format!("no test in {}/tests/ runs it", repo.rel(&chapter.dir)),
                format!(
                    "add a test that runs it with testkit::run_program({used}, ...) and checks what it prints"
                ),
            ));
        }
        problems.extend(check_solution_bin(
            repo,
            &solution_dir,
            solution.as_ref(),
            &program,
            &source,
        ));
        findings.extend(ok_unless(problems, || {
            format!("{shown}: shown as `{command}`, tested, built by the solution as sol_{program}")
        }));
    }
    findings
}

fn check_solution_bin(
    repo: &Repo,
    solution_dir: &Path,
    solution: Option<&Manifest>,
    program: &str,
    source: &Path,
) -> Option<Finding> {
    let manifest_shown = repo.rel(&solution_dir.join("Cargo.toml"));
    let relative = pathdiff(source, solution_dir);
    let expected = format!("[[bin]] name = \"sol_{program}\", path = \"{relative}\"");
    let Some(solution) = solution else {
        return Some(Finding::fail(
            manifest_shown,
            "the solution crate's Cargo.toml is missing or unreadable",
            format!("create it (LAYOUT.md) with {expected}"),
        ));
    };
    let wanted = format!("sol_{program}");
    match solution
        .bins
        .iter()
        .find(|b| b.name.as_deref() == Some(wanted.as_str()))
    {
        None => Some(Finding::fail(
            manifest_shown,
            format!("declares no program `{wanted}`"),
            format!("add {expected}"),
        )),
        Some(bin) if bin.resolved_path(solution_dir) != Some(normalize(source)) => {
            Some(Finding::fail(
                manifest_shown,
                format!(
                    "`{wanted}` is built from {:?}, not from {}",
                    bin.path.as_deref().unwrap_or("(no path)"),
                    repo.rel(source)
                ),
                format!("use {expected}"),
            ))
        }
        Some(_) => None,
    }
}

/// `target` relative to `base` (both absolute, under the same root).
fn pathdiff(target: &Path, base: &Path) -> String {
    let target = normalize(target);
    let base = normalize(base);
    let common = target
        .components()
        .zip(base.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = base.components().count() - common;
    let mut parts: Vec<String> = vec!["..".to_string(); ups];
    parts.extend(
        target
            .components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pathdiff_climbs_to_the_common_folder() {
        assert_eq!(
            pathdiff(
                Path::new("/r/exercises/01-threads/src/bin/spawn.rs"),
                Path::new("/r/solutions/01-threads")
            ),
            "../../exercises/01-threads/src/bin/spawn.rs"
        );
    }
}
