//! Reading a student's exercise file from a submission, and refusing the few
//! constructs that read files or the environment while the file compiles.
//! The sandbox is what keeps compile-time code from the grading machine's
//! files (in the view there is nothing but the course's starter code); this
//! check is a second layer, and the reason a student reads when they try.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

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
        if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
            bail!(
                "{} is a symbolic link: give the real folder (links are not followed)",
                dir.display()
            );
        }
        if !dir.is_dir() {
            bail!(
                "{} is not a folder: give the student's copy of the repository",
                dir.display()
            );
        }
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
/// `.incbin` reads files too). Exercise files never need them.
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
    let code = strip_comments_and_strings(source);
    let tokens = words(&code);
    for (index, (word, next)) in tokens.iter().enumerate() {
        let is_macro = *next == '!';
        // A bare word would do too, passed to a macro that appends the `!`;
        // `std::env::var` (a path, not a macro) stays allowed.
        let passed_to_macro = matches!(*next, ')' | ',' | ']' | '}');
        if WORDS.contains(word)
            && (is_macro || passed_to_macro || *word != "env" && *word != "include")
        {
            return Some(format!(
                "uses `{word}`: files, environment and assembly are off limits in an \
                 exercise file (it must stand on its own)"
            ));
        }
        let after_let = index > 0 && matches!(tokens[index - 1].0, "let" | "mut");
        if *word == "path" && *next == '=' && !after_let {
            return Some(
                "uses a `path = ...` attribute: modules must live in the exercise file itself"
                    .to_string(),
            );
        }
    }
    None
}

/// The identifiers of `code`, each with the next non-blank character after it.
fn words(code: &str) -> Vec<(&str, char)> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphabetic() || bytes[i] == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let next = code[i..]
                .chars()
                .find(|c| !c.is_whitespace())
                .unwrap_or(' ');
            out.push((&code[start..i], next));
        } else {
            i += 1;
        }
    }
    out
}

/// The code with comments removed and string and character literals
/// emptied (so that `"include!"` in a message is not refused).
fn strip_comments_and_strings(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && matches!(next, Some('"') | Some('#')) && !prev_is_ident(&chars, i) {
            // Raw string r#"..."#: skip to the closing quote and hashes.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            while j < chars.len() {
                if chars[j] == '"' && (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && is_char_literal(&chars, i) {
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn prev_is_ident(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// `'x'` or `'\n'` rather than a lifetime `'a`.
fn is_char_literal(chars: &[char], i: usize) -> bool {
    matches!(
        (chars.get(i + 1), chars.get(i + 2)),
        (Some('\\'), _) | (Some(_), Some('\''))
    )
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
}
