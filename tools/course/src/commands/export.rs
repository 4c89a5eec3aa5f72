//! `cargo course export-student <dir>`: a self-contained student repository.
//!
//! The copy has the exercises, the tools and the book, and nothing of the
//! solutions: no `solutions/`, no `src/solutions/`, no Solutions entry in
//! SUMMARY.md and no link to a solution page, a workspace that no longer names
//! the solution crates, a lock file without them, a student README generated
//! from `tools/course/templates/student/README.md`, the grading workflow of
//! `tools/course/templates/github/`, and a pristine copy of every exercise file
//! for `cargo course reset`. It ends with `git init` and one commit.
//!
//! The lock file keeps the versions of the course's: cargo itself takes out
//! the solution crates and what only they use, and updates nothing.
//!
//! Before committing, every exported file is searched for the distinctive
//! lines of the solutions (lines of a solution file that appear nowhere else
//! in the course); one found is an error, and nothing is committed.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, Result, bail};

use super::reset::STARTERS_DIR;
use crate::cli::{ExportGradescopeArgs, ExportStudentArgs};
use crate::course::Course;
use crate::markdown;
use crate::repo::{Repo, normalize, write_file};
use crate::summary;

/// The student README's template, relative to the repository root.
pub const README_TEMPLATE: &str = "tools/course/templates/student/README.md";
/// The grading workflow's template, and where the copy puts it.
pub const WORKFLOW_TEMPLATE: &str = "tools/course/templates/github/grade.yml";
pub const WORKFLOW_PATH: &str = ".github/workflows/grade.yml";

/// Top-level entries that never go into the student copy. (`target/`, the
/// built book and what .gitignore names are skipped too.)
const LEFT_OUT: &[&str] = &[".git", "solutions", ".ci", ".course", ".github"];

/// What an export wrote.
#[derive(Debug)]
pub struct Exported {
    pub files: usize,
    pub committed: bool,
}

pub fn run(args: &ExportStudentArgs) -> Result<ExitCode> {
    let repo = Repo::discover()?;
    let exported = export_student(&repo, &args.dir, !args.no_git)?;
    let dir = args.dir.display();
    println!(
        "Wrote the student repository to {dir}: {} files, no solutions{}.",
        exported.files,
        if exported.committed {
            ", one git commit"
        } else {
            ""
        }
    );
    println!(
        "Try it:\n    cd {dir}\n    cargo course list\n    cargo course book --open\n\
         Then push it to a new (private) repository for your class; see the \
         \"For instructors\" chapter of the book for grading."
    );
    Ok(ExitCode::SUCCESS)
}

/// The Gradescope autograder templates, copied to the root of the zip.
pub const GRADESCOPE_TEMPLATES: &str = "tools/course/templates/gradescope";

/// `cargo course export-gradescope <dir>`: the folder to zip as a Gradescope
/// autograder: setup.sh and run_autograder at its root, and the student copy
/// of the course (the pristine tests and the tool that grades) in `course/`.
pub fn run_gradescope(args: &ExportGradescopeArgs) -> Result<ExitCode> {
    let repo = Repo::discover()?;
    let dest = prepare_destination(&repo, &args.dir)?;
    export_student(&repo, &dest.join("course"), false)?;
    for name in ["setup.sh", "run_autograder"] {
        let source = repo.root().join(GRADESCOPE_TEMPLATES).join(name);
        let target = dest.join(name);
        let bytes =
            std::fs::read(&source).with_context(|| format!("cannot read {}", repo.rel(&source)))?;
        write_file(&target, &bytes)?;
        copy_permissions(&source, &target);
    }
    println!(
        "Wrote the Gradescope autograder to {0}. Zip its contents (not the folder \
         itself) and upload the zip as the assignment's autograder:\n    \
         cd {0} && zip -qr ../autograder.zip .",
        dest.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes the student repository of `repo` into `dest` (which must be empty
/// or not exist yet), then commits it when `commit` is set.
pub fn export_student(repo: &Repo, dest: &Path, commit: bool) -> Result<Exported> {
    let course = Course::load(repo)?;
    let dest = prepare_destination(repo, dest)?;
    let mut files = 0;
    for source in walk(repo.root(), true, export_skip(repo, &dest)) {
        let rel = repo.rel(&source);
        let target = dest.join(&rel);
        let bytes = std::fs::read(&source).with_context(|| format!("cannot read {rel}"))?;
        let bytes = match rel.as_str() {
            "Cargo.toml" => student_manifest(&utf8(&bytes, &rel)?)?.into_bytes(),
            "README.md" => continue,
            "src/SUMMARY.md" => without_solution_entries(&utf8(&bytes, &rel)?).into_bytes(),
            _ if rel.starts_with("src/") && rel.ends_with(".md") => {
                let text = utf8(&bytes, &rel)?;
                check_no_solution_include(repo, &source, &text)?;
                unlink_solution_pages(&text, &rel).into_bytes()
            }
            _ => bytes,
        };
        write_file(&target, &bytes)?;
        copy_permissions(&source, &target);
        files += 1;
    }
    let template = repo.root().join(README_TEMPLATE);
    let template = std::fs::read_to_string(&template)
        .with_context(|| format!("cannot read the student README template {README_TEMPLATE}"))?;
    write_file(
        &dest.join("README.md"),
        student_readme(&template, repo, &course).as_bytes(),
    )?;
    let workflow = std::fs::read(repo.root().join(WORKFLOW_TEMPLATE))
        .with_context(|| format!("cannot read the grading workflow {WORKFLOW_TEMPLATE}"))?;
    write_file(&dest.join(WORKFLOW_PATH), &workflow)?;
    files += 2;
    for (chapter, exercise) in course.exercises() {
        let file = chapter.exercise_file(exercise);
        let rel = repo.rel(&file);
        let bytes = std::fs::read(&file).with_context(|| format!("cannot read {rel}"))?;
        write_file(&dest.join(STARTERS_DIR).join(&rel), &bytes)?;
        files += 1;
    }
    settle_lock(&dest);
    let leaks = solution_leaks(repo, &dest)?;
    if !leaks.is_empty() {
        bail!(
            "the student copy in {} contains solution code, so it was not committed:\n{}",
            dest.display(),
            leaks.join("\n")
        );
    }
    let committed = commit && git_commit(&dest, &course)?;
    Ok(Exported { files, committed })
}

fn utf8(bytes: &[u8], rel: &str) -> Result<String> {
    String::from_utf8(bytes.to_vec()).with_context(|| format!("{rel} is not UTF-8"))
}

/// Creates `dest` if needed, refuses a folder that has files in it or that
/// holds the course, and returns it absolute.
fn prepare_destination(repo: &Repo, dest: &Path) -> Result<PathBuf> {
    let dest = if dest.is_absolute() {
        dest.to_path_buf()
    } else {
        std::env::current_dir()?.join(dest)
    };
    let dest = normalize(&dest);
    if normalize(repo.root()).starts_with(&dest) {
        bail!(
            "{} holds the course itself; export into a new folder",
            dest.display()
        );
    }
    if let Ok(mut entries) = std::fs::read_dir(&dest)
        && entries.next().is_some()
    {
        bail!(
            "{} is not empty; export into a new or empty folder",
            dest.display()
        );
    }
    std::fs::create_dir_all(&dest).with_context(|| format!("cannot create {}", dest.display()))?;
    Ok(dest)
}

/// Keeps the executable bit (of `.ci`-like scripts and the Gradescope files).
fn copy_permissions(from: &Path, to: &Path) {
    if let Ok(metadata) = std::fs::metadata(from) {
        let _ = std::fs::set_permissions(to, metadata.permissions());
    }
}

/// What a walk leaves out besides .gitignore: the `anchored` paths (not
/// entered if they are folders), and the entries called one of `names`
/// anywhere below the root.
fn skipping(
    anchored: Vec<PathBuf>,
    names: &'static [&'static str],
) -> impl Fn(&Path) -> bool + Send + Sync + use<> {
    move |path| {
        let path = normalize(path);
        anchored.iter().any(|a| path.starts_with(a))
            || path
                .file_name()
                .is_some_and(|name| names.iter().any(|n| name == *n))
    }
}

/// The export's walk leaves out [`LEFT_OUT`], the book's own solution pages,
/// the built book, the export folder itself, `target` and `node_modules`.
fn export_skip(repo: &Repo, dest: &Path) -> impl Fn(&Path) -> bool + Send + Sync + use<> {
    let root = normalize(repo.root());
    let mut anchored: Vec<PathBuf> = LEFT_OUT.iter().map(|name| root.join(name)).collect();
    anchored.push(root.join("src").join("solutions"));
    anchored.push(root.join(book_dir(repo)));
    anchored.push(normalize(dest));
    skipping(anchored, &["target", "node_modules"])
}

/// The root book.toml, parsed; `None` when it is missing or does not parse.
fn book_toml(repo: &Repo) -> Option<toml::Table> {
    std::fs::read_to_string(repo.root().join("book.toml"))
        .ok()?
        .parse()
        .ok()
}

/// The `build-dir` of book.toml (`book` by default).
fn book_dir(repo: &Repo) -> String {
    book_toml(repo)
        .and_then(|t| Some(t.get("build")?.get("build-dir")?.as_str()?.to_string()))
        .unwrap_or_else(|| "book".to_string())
}

/// Every file under `dir` that `skip` does not leave out (`dir` itself is
/// always entered), sorted; with `gitignore`, also without what the
/// .gitignore files below `dir` ignore (as git sees them, even outside a git
/// repository).
fn walk(
    dir: &Path,
    gitignore: bool,
    skip: impl Fn(&Path) -> bool + Send + Sync + 'static,
) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .git_ignore(gitignore)
        .require_git(false)
        .filter_entry(move |entry| entry.depth() == 0 || !skip(entry.path()))
        .build()
        .flatten()
        .filter(|entry| entry.file_type().is_some_and(|kind| kind.is_file()))
        .map(ignore::DirEntry::into_path)
        .collect();
    found.sort();
    found
}

/// The root Cargo.toml for students: `members` and `default-members` without
/// the `solutions/` globs, and the comment above them rewritten to match;
/// every other line stays as it was.
pub fn student_manifest(text: &str) -> Result<String> {
    let mut manifest: toml_edit::DocumentMut =
        text.parse().context("the root Cargo.toml does not parse")?;
    let workspace = manifest
        .get_mut("workspace")
        .and_then(|w| w.as_table_mut())
        .context("no [workspace] table in the root Cargo.toml")?;
    for key in ["members", "default-members"] {
        let Some(list) = workspace.get_mut(key) else {
            continue;
        };
        let list = list
            .as_array_mut()
            .with_context(|| format!("`{key}` in the root Cargo.toml is not an array"))?;
        list.retain(|m| {
            m.as_str()
                .is_none_or(|m| !normalize(Path::new(m)).starts_with("solutions"))
        });
        list.fmt();
    }
    if let Some(mut key) = workspace.key_mut("members") {
        key.leaf_decor_mut().set_prefix(
            "# Your exercise crates are members (`cargo test -p threads` works) but not default\n\
             # members: their tests fail until you solve them. A plain `cargo test` runs\n\
             # the tools' own tests.\n",
        );
    }
    Ok(manifest.to_string())
}

/// Lets cargo settle the copied lock file: `cargo metadata --offline`
/// resolves the student workspace against it, from the local registry cache,
/// and drops the solution crates and what only they use, without changing any
/// version.
fn settle_lock(dest: &Path) {
    if !dest.join("Cargo.lock").is_file() {
        return;
    }
    let settled = crate::cargo::run(
        dest,
        ["metadata", "--offline", "--format-version", "1"],
        crate::cargo::Echo::Quiet,
    );
    if !matches!(settled, Ok(ref run) if run.success) {
        eprintln!(
            "warning: `cargo metadata --offline` failed in {}: its Cargo.lock may still list \
             packages only the solutions use (the first build there tidies it up)",
            dest.display()
        );
    }
}

/// SUMMARY.md without the "Solutions" entry, its sub-entries, and any other
/// entry that points into `solutions/`.
pub fn without_solution_entries(text: &str) -> String {
    let entries = summary::entries(text);
    let mut dropped: HashSet<usize> = HashSet::new();
    for (index, entry) in entries.iter().enumerate() {
        let into_solutions = entry
            .path
            .as_deref()
            .is_some_and(|p| normalize(Path::new(p)).starts_with("solutions"));
        if entry.title.trim().eq_ignore_ascii_case("solutions") || into_solutions {
            dropped.insert(entry.line);
            dropped.extend(summary::children(&entries, index).iter().map(|e| e.line));
        }
    }
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, _)| !dropped.contains(&(i + 1)))
        .map(|(_, l)| l)
        .collect();
    kept.join("\n").trim_end().to_string() + "\n"
}

/// Whether the link `target`, written on the page at `page_rel` (relative to
/// the repository root), points at a page under `src/solutions/`.
fn links_to_solutions(page_rel: &str, target: &str) -> bool {
    if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
        return false;
    }
    let page_dir = Path::new(page_rel).parent().unwrap_or(Path::new(""));
    let path = target.split('#').next().unwrap_or("");
    normalize(&page_dir.join(path)).starts_with("src/solutions")
}

/// The page with every link to a solution page replaced by its text, and
/// every reference definition pointing at one removed.
pub fn unlink_solution_pages(text: &str, page_rel: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[')
            && let Some((_, target)) = trimmed.split_once("]:")
            && links_to_solutions(page_rel, target.split_whitespace().next().unwrap_or(""))
        {
            continue;
        }
        let mut rest = line;
        while let Some(open) = rest.find('[') {
            let Some(close) = rest[open..].find("](").map(|i| open + i) else {
                break;
            };
            let Some(end) = rest[close + 2..].find(')').map(|i| close + 2 + i) else {
                break;
            };
            let label = &rest[open + 1..close];
            let target = &rest[close + 2..end];
            if !label.contains('[') && links_to_solutions(page_rel, target.trim()) {
                out.push_str(&rest[..open]);
                out.push_str(label);
            } else {
                out.push_str(&rest[..end + 1]);
            }
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
    }
    out
}

/// Fails if a page outside src/solutions/ includes a file from solutions/
/// (`verify` reports it too; the export must not carry it out).
fn check_no_solution_include(repo: &Repo, page: &Path, text: &str) -> Result<()> {
    let dir = page.parent().unwrap_or(repo.root());
    for include in markdown::includes(text) {
        if normalize(&dir.join(&include.path)).starts_with(normalize(&repo.solutions_dir())) {
            bail!(
                "{}:{} includes {} from solutions/; the student copy cannot show it. \
                 Move that listing to a page under src/solutions/ (`cargo course verify` reports it too).",
                repo.rel(page),
                include.line,
                include.path
            );
        }
    }
    Ok(())
}

/// The student README: the template with `{{title}}`, `{{chapters}}` (a table
/// of chapters, crates and test commands), `{{first_exercise}}`,
/// `{{first_crate}}` and `{{first_file}}` filled in.
pub fn student_readme(template: &str, repo: &Repo, course: &Course) -> String {
    let title = book_toml(repo)
        .and_then(|t| Some(t.get("book")?.get("title")?.as_str()?.to_string()))
        .unwrap_or_else(|| "The course".to_string());
    let mut chapters = String::from(
        "| chapter | crate | exercises | minutes | test command |\n| --- | --- | --- | --- | --- |\n",
    );
    for chapter in &course.chapters {
        let minutes: u32 = chapter.exercises.iter().map(|e| e.minutes).sum();
        let names: Vec<String> = chapter
            .exercises
            .iter()
            .map(|e| format!("`{}`", e.name))
            .collect();
        chapters.push_str(&format!(
            "| {}. {} | [`{}`](exercises/{}/) | {} | {} | `cargo test -p {}` |\n",
            chapter.info.number,
            chapter.info.title,
            chapter.crate_name,
            chapter.folder,
            names.join(", "),
            minutes,
            chapter.crate_name
        ));
    }
    let (first_exercise, first_crate, first_file) = match course.exercises().next() {
        Some((chapter, exercise)) => (
            exercise.name.clone(),
            chapter.crate_name.clone(),
            repo.rel(&chapter.exercise_file(exercise)),
        ),
        None => Default::default(),
    };
    template
        .replace("{{title}}", &title)
        .replace("{{chapters}}", chapters.trim_end())
        .replace("{{first_exercise}}", &first_exercise)
        .replace("{{first_crate}}", &first_crate)
        .replace("{{first_file}}", &first_file)
}

/// Lines at least this long (trimmed) can be distinctive; shorter ones
/// (`}`, `Ok(())`, `let mut total = 0;`) are everywhere.
const DISTINCTIVE_LENGTH: usize = 24;

/// The trimmed lines of `text` long enough to be distinctive.
fn long_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| l.len() >= DISTINCTIVE_LENGTH)
}

/// The solutions' distinctive lines: lines of the files under `solutions/`
/// and `src/solutions/` that no other file of the course has.
/// (`dest`, an export in progress, is not part of the course.)
pub fn distinctive_solution_lines(repo: &Repo, dest: &Path) -> Result<BTreeSet<String>> {
    let root = normalize(repo.root());
    let everything = skipping(
        vec![
            root.join(".git"),
            root.join(book_dir(repo)),
            normalize(dest),
        ],
        &["target", "node_modules"],
    );
    let solution_roots = [
        normalize(&repo.solutions_dir()),
        normalize(&repo.book_src().join("solutions")),
    ];
    let mut candidates = BTreeSet::new();
    let mut elsewhere = HashSet::new();
    for file in walk(repo.root(), false, everything) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let is_solution = solution_roots
            .iter()
            .any(|r| normalize(&file).starts_with(r));
        for line in long_lines(&text) {
            if is_solution {
                candidates.insert(line.to_string());
            } else {
                elsewhere.insert(line.to_string());
            }
        }
    }
    candidates.retain(|line| !elsewhere.contains(line));
    Ok(candidates)
}

/// `file:line: text` for every distinctive solution line found in `dest`.
pub fn solution_leaks(repo: &Repo, dest: &Path) -> Result<Vec<String>> {
    let distinctive = distinctive_solution_lines(repo, dest)?;
    let copy = Repo::at(dest);
    let mut leaks = Vec::new();
    let skip = skipping(vec![normalize(&dest.join(".git"))], &["target"]);
    for file in walk(dest, false, skip) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for (number, line) in text.lines().enumerate() {
            if distinctive.contains(line.trim()) {
                leaks.push(format!(
                    "    {}:{}: {}",
                    copy.rel(&file),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    Ok(leaks)
}

/// `git init`, add everything, one commit (with an author of its own, so that
/// it works on a machine where git has no user configured). Returns false,
/// after a warning, when git is not installed.
fn git_commit(dest: &Path, course: &Course) -> Result<bool> {
    // Whether git ran (false: it is not installed); an error if it failed.
    let git = |args: &[&str]| -> Result<bool> {
        let output = match Command::new("git")
            .arg("-C")
            .arg(dest)
            .args([
                "-c",
                "user.name=Course export",
                "-c",
                "user.email=course-export@localhost",
                "-c",
                "init.defaultBranch=main",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "core.hooksPath=/dev/null",
            ])
            .args(args)
            .stdin(Stdio::null())
            .output()
        {
            Ok(output) => output,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e).context("cannot run git"),
        };
        if !output.status.success() {
            bail!(
                "`git {}` failed in {}:\n{}",
                args.join(" "),
                dest.display(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(true)
    };
    if !git(&["init", "--quiet"])? {
        eprintln!(
            "warning: git is not installed: {} is not a git repository yet",
            dest.display()
        );
        return Ok(false);
    }
    git(&["add", "--all"])?;
    let exercises = course.exercises().count();
    let message = format!(
        "Student copy of the course: {} chapters, {exercises} exercises\n\n\
         Written by `cargo course export-student`. The exercises compile and fail\n\
         their tests until solved; the starters are also kept in {STARTERS_DIR}/\n\
         for `cargo course reset`.",
        course.chapters.len()
    );
    git(&["commit", "--quiet", "-m", &message])?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"[workspace]
resolver = "3"
# Exercise crates are members but not default members:
# `cargo test` at the root runs the solutions and the tools.
members = ["exercises/*", "solutions/*", "tools/course", "tools/testkit"]
default-members = [
    "solutions/*",
    "tools/course",
    "tools/testkit",
]

[workspace.dependencies]
testkit = { path = "tools/testkit" }
"#;

    #[test]
    fn the_student_manifest_drops_the_solutions_and_keeps_the_rest() {
        let student = student_manifest(MANIFEST).unwrap();
        assert!(!student.contains("solutions/"), "{student}");
        assert!(
            student.contains(r#"members = ["exercises/*", "tools/course", "tools/testkit"]"#),
            "{student}"
        );
        assert!(
            student.contains(r#"default-members = ["tools/course", "tools/testkit"]"#),
            "{student}"
        );
        assert!(
            student.contains("Your exercise crates are members"),
            "{student}"
        );
        assert!(!student.contains("runs the solutions"), "{student}");
        assert!(
            student.contains(r#"testkit = { path = "tools/testkit" }"#),
            "{student}"
        );
    }

    #[test]
    fn the_summary_loses_the_solutions_entry_and_its_pages() {
        let summary = "# Summary\n\n- [Threads](01-threads/index.md)\n\n# Appendices\n\n\
                       - [For instructors](instructors/index.md)\n\
                       - [Solutions](solutions/index.md)\n  - [Threads](solutions/01-threads.md)\n";
        let student = without_solution_entries(summary);
        assert!(!student.contains("solutions/"), "{student}");
        assert!(student.contains("- [For instructors](instructors/index.md)\n"));
        assert!(student.contains("- [Threads](01-threads/index.md)"));
    }

    #[test]
    fn links_to_solution_pages_become_plain_text() {
        let page = "See [the solution](../solutions/01-threads.md#ordered) or \
                    [the chapter](index.md).\n[sol]: ../solutions/index.md\nEnd [x](https://a/solutions/b)\n";
        let student = unlink_solution_pages(page, "src/01-threads/exercises.md");
        assert_eq!(
            student,
            "See the solution or [the chapter](index.md).\nEnd [x](https://a/solutions/b)\n"
        );
    }
}
