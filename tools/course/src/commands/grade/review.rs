//! Flags for review: constructs in a student's file that an honest exercise
//! never needs and a forged result does.
//!
//! The sandbox keeps a submission from reading or breaking anything outside
//! its run, and the grader takes the test list and the points from the
//! teacher's build and a pass from the test process's exit status. What it
//! cannot rule out is the student's code lying *inside its own process*: code
//! that runs before `main` (a constructor in a linker section), replaces a
//! symbol libtest or std calls, ends the process with status 0 in the middle
//! of a test, or prints libtest's result lines. Those need one of the
//! constructs below; the file is parsed with `syn` (a real Rust parser, so
//! comments and strings do not count) and each one found is reported in every
//! output format. The points stand: a person decides.

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// Attributes that place code or data where the linker or loader runs it,
/// or rename a symbol so that it replaces another.
const ATTRIBUTES: &[&str] = &[
    "link_section",
    "used",
    "no_mangle",
    "export_name",
    "link",
    "link_name",
    "ctor",
    "dtor",
    "naked",
];
/// Functions that end the process on the spot (ending a test with status 0
/// without libtest's verdict).
const EXITS: &[&str] = &["exit", "_exit", "abort", "exit_group"];
/// libtest's result lines, as a forger would print them.
const RESULT_LINES: &[&str] = &["test result:", "... ok", "... FAILED", "running 1 test"];

/// Why the file should be looked at by a person, one line per construct
/// (with its line number); empty when nothing suspicious is found. A file
/// that does not parse is not flagged here: the build reports it.
pub fn flags(source: &str) -> Vec<String> {
    let Ok(file) = syn::parse_file(source) else {
        return Vec::new();
    };
    let mut finder = Finder::default();
    finder.visit_file(&file);
    finder.found.dedup();
    finder.found
}

#[derive(Default)]
struct Finder {
    found: Vec<String>,
}

impl Finder {
    fn flag(&mut self, line: usize, what: String) {
        let text = format!("line {line}: {what}");
        if !self.found.contains(&text) {
            self.found.push(text);
        }
    }

    /// Literals and exit paths inside a macro's tokens, which syn does not
    /// parse (`println!("test result: ok")`, `vec![std::process::exit(0)]`).
    fn tokens(&mut self, tokens: TokenStream) {
        let mut previous: Vec<String> = Vec::new();
        for token in tokens {
            match token {
                TokenTree::Group(group) => self.tokens(group.stream()),
                TokenTree::Literal(literal) => {
                    let line = literal.span().start().line;
                    self.literal(line, &literal.to_string());
                }
                TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    if EXITS.contains(&name.as_str())
                        && previous
                            .last()
                            .is_some_and(|p| matches!(p.as_str(), "process" | "libc" | "unistd"))
                    {
                        let line = ident.span().start().line;
                        self.flag(
                            line,
                            format!(
                                "`{}::{name}` inside a macro ends the process",
                                previous.last().map(String::as_str).unwrap_or_default()
                            ),
                        );
                    }
                    previous.push(name);
                }
                TokenTree::Punct(_) => {}
            }
        }
    }

    fn literal(&mut self, line: usize, text: &str) {
        for pattern in RESULT_LINES {
            if text.contains(pattern) {
                self.flag(
                    line,
                    format!(
                        "a string with libtest's result line {pattern:?}: printing a test's \
                         verdict is the harness's job"
                    ),
                );
            }
        }
    }
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_attribute(&mut self, attribute: &'ast syn::Attribute) {
        let path = attribute.path();
        let name = path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        // `#[unsafe(no_mangle)]` (edition 2024) wraps the real attribute.
        let inner = if name == "unsafe" {
            attribute
                .meta
                .require_list()
                .ok()
                .and_then(|list| list.tokens.clone().into_iter().next())
                .map(|t| t.to_string())
                .unwrap_or_default()
        } else {
            name
        };
        if ATTRIBUTES.contains(&inner.as_str()) {
            let line = path
                .segments
                .first()
                .map(|s| s.ident.span().start().line)
                .unwrap_or(0);
            self.flag(
                line,
                format!(
                    "attribute `#[{inner}]`: it places code or data where the linker or the \
                     loader uses it (code that runs before `main`, or a symbol that replaces \
                     another)"
                ),
            );
        }
        syn::visit::visit_attribute(self, attribute);
    }

    fn visit_item_foreign_mod(&mut self, item: &'ast syn::ItemForeignMod) {
        let line = item.abi.extern_token.span.start().line;
        self.flag(
            line,
            "an `extern` block: it declares foreign functions (libc's, the test harness's)"
                .to_string(),
        );
        // Its items, not its `extern` again.
        for attribute in &item.attrs {
            self.visit_attribute(attribute);
        }
        for foreign in &item.items {
            self.visit_foreign_item(foreign);
        }
    }

    fn visit_abi(&mut self, abi: &'ast syn::Abi) {
        self.flag(
            abi.extern_token.span.start().line,
            "an `extern` function or item: it can be called from, or replace, code outside \
             Rust's rules"
                .to_string(),
        );
        syn::visit::visit_abi(self, abi);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(last) = names.last()
            && EXITS.contains(&last.as_str())
        {
            let line = path
                .segments
                .last()
                .map(|s| s.ident.span().start().line)
                .unwrap_or(0);
            self.flag(
                line,
                format!(
                    "`{}`: it ends the process on the spot, so a test can end with status 0 \
                     before its verdict",
                    names.join("::")
                ),
            );
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
        let imported = match tree {
            syn::UseTree::Name(name) => Some((&name.ident, ", which")),
            syn::UseTree::Rename(rename) => Some((&rename.ident, " under another name, and it")),
            _ => None,
        };
        if let Some((ident, how)) = imported
            && EXITS.contains(&ident.to_string().as_str())
        {
            let what = format!("imports `{ident}`{how} ends the process on the spot");
            self.flag(ident.span().start().line, what);
        }
        syn::visit::visit_use_tree(self, tree);
    }

    fn visit_lit_str(&mut self, literal: &'ast syn::LitStr) {
        self.literal(literal.span().start().line, &literal.value());
    }

    fn visit_lit_byte_str(&mut self, literal: &'ast syn::LitByteStr) {
        let value = String::from_utf8_lossy(&literal.value()).into_owned();
        self.literal(literal.span().start().line, &value);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

#[cfg(test)]
mod tests {
    use super::flags;

    #[test]
    fn honest_code_is_not_flagged() {
        let source = r#"
            // std::process::exit(0) in a comment, and "test result:" too
            use std::thread;
            pub fn run(n: u32) -> Vec<u32> {
                let handles: Vec<_> = (0..n).map(|i| thread::spawn(move || i * 2)).collect();
                let exit_code = 3; // a variable called exit_code is fine
                println!("worker {exit_code} done");
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            }
        "#;
        assert_eq!(flags(source), Vec::<String>::new());
    }

    #[test]
    fn forgers_constructs_are_flagged_with_their_line() {
        let cases = [
            (
                "#[used]\n#[unsafe(link_section = \".init_array\")]\nstatic INIT: extern \"C\" fn() = init;\nextern \"C\" fn init() {}",
                "link_section",
            ),
            (
                "#[unsafe(no_mangle)]\npub fn rust_begin_unwind() {}",
                "no_mangle",
            ),
            ("#[export_name = \"main\"]\npub fn m() {}", "export_name"),
            (
                "unsafe extern \"C\" { fn _exit(code: i32) -> !; }",
                "`extern` block",
            ),
            ("pub fn f() { std::process::exit(0) }", "std::process::exit"),
            (
                "use std::process::exit as leave;\npub fn f() { leave(0) }",
                "under another name",
            ),
            ("pub fn f() { nix::libc::_exit(0) }", "_exit"),
            ("pub fn f() { std::process::abort() }", "abort"),
            (
                "pub fn f() { println!(\"test result: ok. 1 passed\"); }",
                "test result:",
            ),
            ("pub fn f() { print!(\"test x ... ok\\n\"); }", "... ok"),
            (
                "pub fn f() { let _ = vec![std::process::exit(0)]; }",
                "inside a macro",
            ),
            (
                "pub fn f() { use std::io::Write; std::io::stdout().write_all(b\"test result: ok\").ok(); }",
                "test result:",
            ),
        ];
        for (source, expected) in cases {
            let found = flags(source);
            assert!(
                found.iter().any(|f| f.contains(expected)),
                "expected a flag mentioning {expected:?} for:\n{source}\ngot: {found:?}"
            );
            assert!(
                found.iter().all(|f| f.starts_with("line ")),
                "every flag names its line: {found:?}"
            );
        }
        let found = flags("pub fn f() {}\n\npub fn g() { std::process::exit(0) }");
        assert!(found[0].starts_with("line 3:"), "{found:?}");
    }
}
