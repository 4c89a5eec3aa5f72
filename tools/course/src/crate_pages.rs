//! The book's pages that show each chapter crate, file by file:
//! `src/crates/NN-name.md`, and `src/crates/index.md` listing them.
//!
//! A chapter page's crate card links here instead of to the crate folder, so
//! the link works wherever the book is read (served, hosted, or opened from a
//! student copy): a link to `../../exercises/...` leaves the built book and
//! finds nothing. Each page includes the files with `{{#include}}`, so their
//! text is always the text on disk; only the list of files is written into
//! the page. `cargo course book` rewrites the pages when that list changes
//! and `cargo course verify` fails when a committed page is out of date.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::course::{Chapter, Course};
use crate::repo::{Repo, slash_path, write_file};

/// The folder of the crate pages, relative to the book's `src/`.
pub const FOLDER: &str = "crates";

/// Files of a crate that its page shows, by extension, with the language
/// of their code block. Rust is fenced as `rs` (highlight.js knows it): the
/// page shows whole files, which the teaching listings never do.
const SHOWN: &[(&str, &str)] = &[
    ("rs", "rs"),
    ("py", "python"),
    ("toml", "toml"),
    ("md", "markdown"),
    ("txt", "text"),
];

/// The page of `chapter`'s crate, relative to the book's `src/`.
pub fn page_rel(chapter: &Chapter) -> String {
    format!("{FOLDER}/{}.md", chapter.folder)
}

/// The page of `chapter`'s crate on disk.
pub fn page_path(repo: &Repo, chapter: &Chapter) -> PathBuf {
    repo.book_src().join(page_rel(chapter))
}

/// The index page listing the crate pages, on disk.
pub fn index_path(repo: &Repo) -> PathBuf {
    repo.book_src().join(FOLDER).join("index.md")
}

/// The files of a crate that its page shows, relative to the crate folder:
/// the manifests first, then every source, Python and test file in path
/// order. Build output, hidden files and `.bak` copies are left out.
pub fn shown_files(crate_dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(crate_dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            entry.depth() == 0 || !(name.starts_with('.') || name == "target")
        })
        .flatten()
        .filter(|entry| !entry.file_type().is_dir() && language(entry.path()).is_some())
        .filter_map(|entry| Some(entry.path().strip_prefix(crate_dir).ok()?.to_path_buf()))
        .collect();
    files.sort_by_key(|f| (f.components().count() > 1, f.clone()));
    files
}

fn language(path: &Path) -> Option<&'static str> {
    let extension = path.extension()?.to_str()?;
    SHOWN
        .iter()
        .find(|(ext, _)| *ext == extension)
        .map(|(_, language)| *language)
}

/// The heading id of a file's section: `src/lib.rs` gives `src-lib-rs`.
pub fn file_id(file: &Path) -> String {
    slash_path(file)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

const GENERATED: &str = "<!-- Written by `cargo course book` (tools/course/src/crate_pages.rs): \
                         edit the crate, not this page. -->";

/// The text of `chapter`'s crate page.
pub fn render(repo: &Repo, chapter: &Chapter) -> String {
    let folder = format!("exercises/{}", chapter.folder);
    let files = shown_files(&chapter.dir);
    let chapter_page = format!("../{}", chapter.info.page);
    let mut page = format!(
        "{GENERATED}\n\n# The `{name}` crate\n\n\
         The crate of chapter {number}, [{title}]({chapter_page}): the folder \
         `{folder}/` of your copy of the course, every file as it is now. \
         The `ANCHOR` comments mark the parts that the chapter's pages show.\n\n\
         ```text\n\
         {test:<width$}  # every test of the chapter\n\
         {list:<width$}  # its exercises, and which of them pass\n\
         ```\n\n",
        name = chapter.crate_name,
        test = format!("cargo test -p {}", chapter.crate_name),
        list = "cargo course list",
        width = "cargo test -p ".len() + chapter.crate_name.len(),
        number = chapter.info.number,
        title = chapter.info.title,
    );
    for file in &files {
        let shown = slash_path(file);
        page.push_str(&format!("- [`{shown}`](#{})\n", file_id(file)));
    }
    let depth = Path::new(&page_rel(chapter)).components().count() - 1;
    let up = "../".repeat(depth + 1);
    let crate_rel = repo.rel(&chapter.dir);
    for file in &files {
        let shown = slash_path(file);
        let language = language(file).unwrap_or("text");
        page.push_str(&format!(
            "\n## `{shown}` {{#{id}}}\n\n~~~~{language}\n{{{{#include {up}{crate_rel}/{shown}}}}}\n~~~~\n",
            id = file_id(file),
        ));
    }
    page
}

/// The text of the index page: one line per chapter crate.
pub fn render_index(course: &Course) -> String {
    let mut page = format!(
        "{GENERATED}\n\n# The chapters' crates\n\n\
         Each chapter of the book is a Cargo crate under `exercises/`. These \
         pages show every file of each one, so that you can read the whole \
         of a program or a test that a chapter shows a part of.\n\n\
         | Chapter | Crate | Folder |\n| --- | --- | --- |\n"
    );
    for chapter in &course.chapters {
        page.push_str(&format!(
            "| {number}. {title} | [`{name}`]({file}.md) | `exercises/{file}/` |\n",
            number = chapter.info.number,
            title = chapter.info.title,
            name = chapter.crate_name,
            file = chapter.folder,
        ));
    }
    page
}

/// Every crate page with the text it should have.
pub fn expected(repo: &Repo, course: &Course) -> Vec<(PathBuf, String)> {
    let mut pages: Vec<(PathBuf, String)> = course
        .chapters
        .iter()
        .map(|chapter| (page_path(repo, chapter), render(repo, chapter)))
        .collect();
    pages.push((index_path(repo), render_index(course)));
    pages
}

/// Writes the crate pages that are missing or out of date; returns them.
pub fn write(repo: &Repo, course: &Course) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (path, text) in expected(repo, course) {
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        write_file(&path, text)?;
        written.push(path);
    }
    Ok(written)
}
