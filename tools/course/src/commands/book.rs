//! `cargo course book [--open]`: build the book into book/.

use std::process::{Command, ExitCode, Stdio};

use anyhow::Result;

use crate::book;
use crate::cli::BookArgs;
use crate::course::Course;
use crate::crate_pages;
use crate::repo::Repo;

pub fn run(args: &BookArgs) -> Result<ExitCode> {
    let repo = Repo::discover()?;
    // The pages that show each chapter's crate list its files: bring that
    // list up to date first (the files' text is included at build time).
    match Course::load(&repo).and_then(|course| crate_pages::write(&repo, &course)) {
        Ok(pages) => {
            for page in pages {
                eprintln!("Updated {} (the crate's files changed)", repo.rel(&page));
            }
        }
        Err(e) => eprintln!("warning: the crate pages under src/crates/ were not updated: {e:#}"),
    }
    eprintln!("Building the book from {} ...", repo.rel(&repo.book_src()));
    let built = book::build(&repo, true)?;
    let problems = built.diagnostics.len();
    println!("The book is at {}", built.index.display());
    if problems > 0 {
        println!(
            "mdBook reported {problems} problem(s), shown above: the pages they name are incomplete."
        );
    }
    if args.open {
        open_in_browser(&built.index.display().to_string());
    }
    Ok(super::exit_code(problems == 0))
}

/// Opens `path` with `$BROWSER` (left running on its own), or else with
/// `xdg-open` (which returns at once, with an exit status that says whether it
/// found a browser); says so when neither works.
fn open_in_browser(path: &str) {
    let url = format!("file://{path}");
    if let Ok(browser) = std::env::var("BROWSER") {
        // $BROWSER may list several commands separated by `:`.
        for candidate in browser.split(':') {
            let mut words = candidate.split_whitespace();
            let Some(program) = words.next() else {
                continue;
            };
            let started = Command::new(program)
                .args(words)
                .arg(&url)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            if started.is_ok() {
                println!("Opened it with {program} (from $BROWSER).");
                return;
            }
        }
    }
    let opened = Command::new("xdg-open")
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match opened {
        Ok(status) if status.success() => {
            println!("Opened it with xdg-open.");
            return;
        }
        Ok(_) => println!("xdg-open found no browser to open it with."),
        Err(_) => {
            println!("No browser was found ($BROWSER is not set and xdg-open is not installed).")
        }
    }
    println!("Open this address in your browser: {url}");
}
