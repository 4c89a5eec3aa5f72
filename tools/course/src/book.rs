//! Building the book with mdBook's library (no separate `mdbook` install).

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::diagnostics::{self, Diagnostic};
use crate::repo::Repo;

/// The result of a build that ran to the end.
#[derive(Debug)]
pub struct Built {
    /// `book/index.html` (or wherever book.toml's build-dir points).
    pub index: PathBuf,
    /// Warnings and errors mdBook logged: a broken include is one of them.
    pub diagnostics: Vec<Diagnostic>,
}

/// Builds the book at the repository root, as `mdbook build` would with the
/// same book.toml. With `echo`, mdBook's warnings are shown as they come.
pub fn build(repo: &Repo, echo: bool) -> Result<Built> {
    let (outcome, diagnostics) = diagnostics::capture(echo, || -> Result<PathBuf> {
        let book = mdbook_driver::MDBook::load(repo.root()).map_err(|e| {
            anyhow::anyhow!("{e:#}").context(format!(
                "mdBook cannot load the book at {} (book.toml, src/SUMMARY.md)",
                repo.root().display()
            ))
        })?;
        book.build()
            .map_err(|e| anyhow::anyhow!("{e:#}"))
            .context("mdBook could not build the book")?;
        Ok(book.build_dir_for("html").join("index.html"))
    });
    let index = outcome?;
    let index = index
        .canonicalize()
        .with_context(|| format!("the build finished but {} is missing", index.display()))?;
    Ok(Built { index, diagnostics })
}
