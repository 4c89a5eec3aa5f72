//! Check 1: every Rust listing in the book is included from a crate, by
//! anchor; every include points at an existing file and anchor; every
//! `compile_fail` listing is also a `compile_fail` doctest of its crate.

use std::path::{Path, PathBuf};

use super::Finding;
use crate::markdown::{self, CodeBlock, Include, Selection};
use crate::repo::{Repo, files_with_suffix, normalize};
use crate::text::shorten;

/// Checks every page under `src/`.
pub fn check(repo: &Repo) -> Vec<Finding> {
    files_with_suffix(&repo.book_src(), ".md")
        .iter()
        .flat_map(|page| check_page(repo, page))
        .collect()
}

/// Checks one page. Pages without listings or includes give no finding.
pub fn check_page(repo: &Repo, page: &Path) -> Vec<Finding> {
    let shown = repo.rel(page);
    let text = match std::fs::read_to_string(page) {
        Ok(text) => text,
        Err(e) => {
            return vec![Finding::fail(
                shown,
                format!("cannot be read: {e}"),
                "check the file",
            )];
        }
    };
    let blocks = markdown::code_blocks(&text);
    let includes = markdown::includes(&text);
    let mut problems = Vec::new();
    for block in blocks.iter().filter(|b| b.is_rust()) {
        if let Some((line, pasted)) = block
            .body
            .iter()
            .find(|(_, l)| !l.trim().is_empty() && !markdown::is_include_line(l))
        {
            problems.push(Finding::fail(
                format!("{shown}:{line}"),
                format!(
                    "a Rust block (```{}) has code pasted into the page: `{}`",
                    block.info,
                    shorten(pasted.trim(), 50)
                ),
                "move the code into the chapter's crate between `// ANCHOR: name` and \
                 `// ANCHOR_END: name`, and include it with {{#include <path>:name}}; code that \
                 must not compile goes in exercises/NN-name/compile_fail/ (LAYOUT.md, The book)",
            ));
        }
    }
    let page_dir = page.parent().unwrap_or(Path::new("."));
    for include in &includes {
        let block = blocks.iter().find(|b| {
            b.body
                .first()
                .is_some_and(|(first, _)| *first <= include.line)
                && b.body.last().is_some_and(|(last, _)| *last >= include.line)
        });
        problems.extend(check_include(repo, &shown, page_dir, include, block));
    }
    if problems.is_empty() {
        if includes.is_empty() {
            return Vec::new();
        }
        let rust = blocks.iter().filter(|b| b.is_rust()).count();
        return vec![Finding::ok(format!(
            "{shown}: {} include(s), {rust} Rust listing(s), all from existing files and anchors",
            includes.len()
        ))];
    }
    problems
}

fn check_include(
    repo: &Repo,
    shown: &str,
    page_dir: &Path,
    include: &Include,
    block: Option<&CodeBlock>,
) -> Vec<Finding> {
    let place = format!("{shown}:{}", include.line);
    let target = normalize(&page_dir.join(&include.path));
    if !repo.contains(&target) {
        return vec![Finding::fail(
            place,
            format!(
                "includes `{}`, which is outside the repository",
                include.path
            ),
            "include files from exercises/ or solutions/ (paths are relative to the page's folder)",
        )];
    }
    let target_text = match std::fs::read_to_string(&target) {
        Ok(text) => text,
        Err(_) => {
            return vec![Finding::fail(
                place,
                format!(
                    "includes `{}`, but {} does not exist",
                    include.path,
                    repo.rel(&target)
                ),
                "correct the path (it is relative to the page's folder), or create the file",
            )];
        }
    };
    let in_rust = block.is_some_and(CodeBlock::is_rust);
    // A snippet that must not compile: marked so, or taken from compile_fail/
    // (pages may mark those `ignore`, so that `mdbook test` skips them).
    let compile_fail = block.is_some_and(|b| b.has_attribute("compile_fail"))
        || (in_rust && compile_fail_folder(&target).is_some());
    let mut problems = Vec::new();
    match include.selection() {
        Selection::Lines => problems.push(Finding::fail(
            place.clone(),
            format!(
                "includes `{}` by line numbers (`{}`)",
                include.path,
                include.selector.as_deref().unwrap_or("")
            ),
            "mark the lines with `ANCHOR: name` / `ANCHOR_END: name` and include `path:name`: \
             line numbers drift when the code changes",
        )),
        Selection::Anchor(name) if !markdown::has_anchor(&target_text, name) => {
            let known = anchors_in(&target_text);
            problems.push(Finding::fail(
                place.clone(),
                format!("{} has no anchor `{name}`", repo.rel(&target)),
                format!(
                    "add `ANCHOR: {name}` and `ANCHOR_END: {name}` comments around the lines to show{}",
                    if known.is_empty() {
                        String::new()
                    } else {
                        format!(", or use one of its anchors: {}", known.join(", "))
                    }
                ),
            ));
        }
        Selection::Anchor(_) => {
            for (line, code) in markers_beside_code(&target_text) {
                problems.push(Finding::fail(
                    format!("{}:{line}", repo.rel(&target)),
                    format!(
                        "an ANCHOR marker shares its line with code (`{}`): mdBook drops the \
                         whole line from every listing, code included",
                        shorten(code.trim(), 50)
                    ),
                    "put the marker on a line of its own (rustfmt moves a comment that follows \
                     a closing brace onto the brace's line: end the anchor after the enclosing \
                     item instead)",
                ));
            }
        }
        Selection::Whole if in_rust && !compile_fail => problems.push(Finding::fail(
            place.clone(),
            format!("a Rust listing includes all of `{}`", include.path),
            "wrap the lines to show in `// ANCHOR: name` / `// ANCHOR_END: name` and include \
             `path:name` (only compile_fail snippets are included whole)",
        )),
        _ => {}
    }
    if compile_fail {
        problems.extend(check_compile_fail(repo, &place, &target));
    }
    problems
}

/// Lines (1-based) that hold an `ANCHOR:` or `ANCHOR_END:` marker and code
/// too. mdBook leaves out every line with a marker, so the code on such a
/// line is missing from every listing of the file.
fn markers_beside_code(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.contains("ANCHOR:") || line.contains("ANCHOR_END:"))
        .filter(|(_, line)| {
            let line = line.trim_start();
            !(line.starts_with("//") || line.starts_with('#') || line.starts_with("<!--"))
        })
        .map(|(index, line)| (index + 1, line))
        .collect()
}

/// A `compile_fail` listing must come from a `compile_fail/` folder and be
/// checked by a doctest of its crate (`include_str!` of that very file).
fn check_compile_fail(repo: &Repo, place: &str, target: &Path) -> Vec<Finding> {
    let shown = repo.rel(target);
    let Some(folder) = compile_fail_folder(target) else {
        return vec![Finding::fail(
            place,
            format!(
                "a compile_fail listing includes {shown}, which is not in a compile_fail/ folder"
            ),
            "move the snippet to exercises/NN-name/compile_fail/<name>.rs and include it from there",
        )];
    };
    let crate_dir = folder.parent().unwrap_or(folder);
    let checked = files_with_suffix(&crate_dir.join("src"), ".rs")
        .iter()
        .any(|source| doctest_includes(source, target));
    if checked {
        Vec::new()
    } else {
        let file_name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        vec![Finding::fail(
            place,
            format!(
                "{shown} is shown as not compiling, but no compile_fail doctest of {} checks it",
                repo.rel(crate_dir)
            ),
            format!(
                "add to the crate's src/lib.rs: /// ```compile_fail,E0XXX  then  \
                 #[doc = include_str!(\"../compile_fail/{file_name}\")]  then  /// ``` \
                 (with the error code the compiler gives)"
            ),
        )]
    }
}

fn compile_fail_folder(path: &Path) -> Option<&Path> {
    path.ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == "compile_fail"))
}

/// Whether `source` has an `include_str!("...")` of `target` within a
/// `compile_fail` doctest (the word `compile_fail` on that line or the five
/// lines above it).
fn doctest_includes(source: &Path, target: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(source) else {
        return false;
    };
    let dir = source.parent().unwrap_or(Path::new("."));
    let lines: Vec<&str> = text.lines().collect();
    lines.iter().enumerate().any(|(i, line)| {
        include_str_paths(line)
            .iter()
            .any(|p| normalize(&dir.join(p)) == normalize(target))
            && lines[i.saturating_sub(5)..=i]
                .iter()
                .any(|l| l.contains("compile_fail"))
    })
}

fn include_str_paths(line: &str) -> Vec<PathBuf> {
    line.match_indices("include_str!(")
        .filter_map(|(at, m)| {
            let rest = line[at + m.len()..].trim_start().strip_prefix('"')?;
            let end = rest.find('"')?;
            Some(PathBuf::from(&rest[..end]))
        })
        .collect()
}

fn anchors_in(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| markdown::marker_name(line, "ANCHOR:"))
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_after_a_brace_is_found_and_one_on_its_own_line_is_not() {
        let text = "fn main() {\n    // ANCHOR: body\n    run();\n    } // ANCHOR_END: body\n}\n";
        assert_eq!(
            markers_beside_code(text),
            vec![(4, "    } // ANCHOR_END: body")]
        );
        let clean = "# ANCHOR: toml\n[x]\n# ANCHOR_END: toml\n<!-- ANCHOR: md -->\n";
        assert_eq!(markers_beside_code(clean), Vec::<(usize, &str)>::new());
    }
}
