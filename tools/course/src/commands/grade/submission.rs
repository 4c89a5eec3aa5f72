//! Reading a student's exercise file from a submission, and refusing the few
//! constructs that read files or the environment while the file compiles.
//! The sandbox is what keeps compile-time code from the grading machine's
//! files (in the view there is nothing but the course's starter code); this
//! check is a second layer, and the reason a student reads when they try.

use std::path::{Path, PathBuf};

use anyhow::{Result, ensure};
use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::course::{Chapter, Exercise};

/// The largest exercise file accepted.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// A student's submission: a copy of the student repository (with an
/// `exercises/` folder), or a folder laid out like `exercises/` itself.
#[derive(Debug, Clone)]
pub struct Submission {
    pub dir: PathBuf,
    /// The folder holding the chapter folders (`NN-name/`).
    exercises: PathBuf,
    /// `exercises/` when the submission has one, else empty: how paths are
    /// shown, relative to the submission.
    prefix: &'static str,
}

impl Submission {
    pub fn open(dir: &Path) -> Result<Submission> {
        ensure!(
            !std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()),
            "{} is a symbolic link: give the real folder (links are not followed)",
            dir.display()
        );
        ensure!(
            dir.is_dir(),
            "{} is not a folder: give the student's copy of the repository",
            dir.display()
        );
        let (exercises, prefix) = if dir.join("exercises").is_dir() {
            (dir.join("exercises"), "exercises/")
        } else {
            (dir.to_path_buf(), "")
        };
        Ok(Submission {
            dir: dir.to_path_buf(),
            exercises,
            prefix,
        })
    }

    /// The student's name: the submission folder's name.
    pub fn student(&self) -> String {
        self.dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.dir.display().to_string())
    }

    /// The exercise file, relative to the submission, for reports.
    pub fn shown_path(&self, chapter: &Chapter, exercise: &Exercise) -> String {
        format!(
            "{}{}/src/exercises/{}.rs",
            self.prefix, chapter.folder, exercise.name
        )
    }

    /// Reads the student's version of the exercise file, or says why it
    /// cannot be graded.
    pub fn read(&self, chapter: &Chapter, exercise: &Exercise) -> Result<Vec<u8>, String> {
        let shown = self.shown_path(chapter, exercise);
        let path = self
            .exercises
            .join(&chapter.folder)
            .join("src")
            .join("exercises")
            .join(format!("{}.rs", exercise.name));
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(_) => return Err(format!("not submitted: there is no {shown}")),
        };
        if !meta.is_file() {
            return Err(format!(
                "{shown} is not a regular file (a link or a folder?)"
            ));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(format!("{shown} is larger than {MAX_FILE_BYTES} bytes"));
        }
        // Every folder on the way must be a real folder of the submission, not
        // a link to somewhere else on the grading machine.
        let canonical = std::fs::canonicalize(&path).map_err(|e| format!("{shown}: {e}"))?;
        let base = std::fs::canonicalize(&self.dir).map_err(|e| format!("{shown}: {e}"))?;
        if !canonical.starts_with(&base) {
            return Err(format!("{shown} leads outside the submission folder"));
        }
        let contents = std::fs::read(&path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        let text =
            std::str::from_utf8(&contents).map_err(|_| format!("{shown} is not UTF-8 text"))?;
        forbidden_construct(text)
            .map(|why| Err(format!("refused: {shown} {why}")))
            .unwrap_or(Ok(contents))
    }
}

/// Why the source is refused, if it is: the macros and attributes that read
/// files or the environment at compile time, and inline assembly (whose
/// `.incbin` reads files too). Exercise files never need them. A file that
/// does not even split into Rust tokens is left to the compiler, which stops
/// before any macro runs.
pub fn forbidden_construct(source: &str) -> Option<String> {
    const WORDS: &[&str] = &[
        "include",
        "include_str",
        "include_bytes",
        "env",
        "option_env",
        "asm",
        "global_asm",
        "naked_asm",
        "debugger_visualizer",
    ];
    let mut tokens = Vec::new();
    words(source.parse().ok()?, ' ', &mut tokens);
    for (index, (word, next)) in tokens.iter().enumerate() {
        let word = word.as_str();
        let is_macro = *next == '!';
        // A bare word would do too, passed to a macro that appends the `!`;
        // `std::env::var` (a path, not a macro) stays allowed.
        let passed_to_macro = matches!(*next, ')' | ',' | ']' | '}');
        if WORDS.contains(&word)
            && (is_macro || passed_to_macro || word != "env" && word != "include")
        {
            return Some(format!(
                "uses `{word}`: files, environment and assembly are off limits in an \
                 exercise file (it must stand on its own)"
            ));
        }
        let after_let = index > 0 && matches!(tokens[index - 1].0.as_str(), "let" | "mut");
        if word == "path" && *next == '=' && !after_let {
            return Some(
                "uses a `path = ...` attribute: modules must live in the exercise file itself"
                    .to_string(),
            );
        }
    }
    None
}

/// The identifiers of `tokens` in order (`r#` taken off), each with the
/// punctuation right after it: the next token's, or `close` (the closing
/// delimiter of the group it ends). Comments are gone and literals are
/// single tokens: `"include!"` in a message names nothing.
fn words(tokens: TokenStream, close: char, out: &mut Vec<(String, char)>) {
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Ident(ident) => {
                let next = match tokens.peek() {
                    Some(TokenTree::Punct(punct)) => punct.as_char(),
                    Some(_) => ' ',
                    None => close,
                };
                let name = ident.to_string();
                out.push((name.trim_start_matches("r#").to_string(), next));
            }
            TokenTree::Group(group) => {
                let close = match group.delimiter() {
                    Delimiter::Parenthesis => ')',
                    Delimiter::Bracket => ']',
                    Delimiter::Brace => '}',
                    Delimiter::None => ' ',
                };
                words(group.stream(), close, out);
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_code_is_accepted() {
        let source = r#"
            use std::env; // include! in a comment is fine
            fn main() { let path = std::env::args(); let msg = "include_str!(x)"; let c = '"'; }
            fn f<'a>(x: &'a str) -> &'a str { x }
        "#;
        assert_eq!(forbidden_construct(source), None);
    }

    #[test]
    fn compile_time_file_access_is_refused() {
        for source in [
            "const S: &str = include_str!(\"/etc/passwd\");",
            "static B: &[u8] = include_bytes!(\"/x\");",
            "#[path = \"/work/solutions/x.rs\"] mod x;",
            "macro_rules! m { ($i:ident) => { $i!(\"/x\") } } m!(include_str);",
            "const H: &str = env!(\"HOME\");",
            "std::arch::global_asm!(\".incbin \\\"/x\\\"\");",
        ] {
            assert!(forbidden_construct(source).is_some(), "accepted: {source}");
        }
    }

    #[test]
    fn tokens_not_text_decide() {
        assert!(
            forbidden_construct("const S: &str = r#include_str!(\"/x\");").is_some(),
            "a raw identifier names the same macro"
        );
        assert_eq!(
            forbidden_construct("/// include_str!(\"/x\") in a doc comment\npub fn f() {}"),
            None,
            "a doc comment is text, not a macro call"
        );
        assert_eq!(
            forbidden_construct("pub fn f() { let s = \"unterminated; }"),
            None,
            "a file that is not Rust tokens is left to the compiler (no macro runs)"
        );
    }
}
