//! What the layout checks read in a page: fenced code blocks and link targets
//! (through pulldown-cmark, the parser mdBook uses), and mdBook's
//! `{{#include}}` directives and ANCHOR markers (mdBook's own syntax, which
//! its crates do not expose).

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// A fenced code block (```` ``` ```` or `~~~`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The info string (`rust,compile_fail,E0499`), trimmed.
    pub info: String,
    /// The lines inside the block with their 1-based line numbers.
    pub body: Vec<(usize, String)>,
}

impl CodeBlock {
    /// The words of the info string (separated by commas or spaces).
    pub fn attributes(&self) -> Vec<&str> {
        self.info
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|w| !w.is_empty())
            .collect()
    }

    /// Whether rustdoc (and mdBook) would treat the block as Rust: its
    /// language is `rust`, or it has only rustdoc attributes.
    pub fn is_rust(&self) -> bool {
        let attributes = self.attributes();
        match attributes.first() {
            None => false,
            Some(&"rust") => true,
            Some(_) => attributes.iter().all(|a| is_rustdoc_attribute(a)),
        }
    }

    pub fn has_attribute(&self, name: &str) -> bool {
        self.attributes().contains(&name)
    }
}

fn is_rustdoc_attribute(word: &str) -> bool {
    matches!(
        word,
        "ignore" | "compile_fail" | "no_run" | "should_panic" | "noplayground" | "editable"
    ) || word.starts_with("edition")
        || (word.len() == 5
            && word.starts_with('E')
            && word[1..].chars().all(|c| c.is_ascii_digit()))
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// The fenced code blocks of a page. An unclosed block runs to the end.
pub fn code_blocks(text: &str) -> Vec<CodeBlock> {
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut open: Option<CodeBlock> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                open = Some(CodeBlock {
                    line: line_of(text, range.start),
                    info: info.trim().to_string(),
                    body: Vec::new(),
                });
            }
            Event::Text(_) if !range.is_empty() => {
                if let Some(block) = open.as_mut() {
                    let first = line_of(text, range.start);
                    let last = line_of(text, range.end - 1);
                    for number in first..=last {
                        if block.body.last().is_none_or(|(n, _)| *n < number) {
                            let line = lines.get(number - 1).copied().unwrap_or_default();
                            block.body.push((number, line.to_string()));
                        }
                    }
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
            _ => {}
        }
    }
    blocks
}

/// An mdBook link directive: `{{#include path:anchor}}` and friends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    /// 1-based line.
    pub line: usize,
    /// `include`, `rustdoc_include` or `playground`.
    pub kind: String,
    /// The file, relative to the page.
    pub path: String,
    /// What follows the first `:` (an anchor name or a line range), if any.
    pub selector: Option<String>,
}

/// What part of the file an include takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection<'a> {
    Whole,
    Anchor(&'a str),
    Lines,
}

impl Include {
    pub fn selection(&self) -> Selection<'_> {
        match self.selector.as_deref() {
            None | Some("") => Selection::Whole,
            Some(s) if s.starts_with(|c: char| c.is_ascii_digit() || c == ':') => Selection::Lines,
            Some(s) => Selection::Anchor(s),
        }
    }
}

/// The include-like directives of a page (escaped `\{{#...}}` ones excluded).
pub fn includes(text: &str) -> Vec<Include> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("{{") {
            let escaped = rest[..start].ends_with('\\');
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else { break };
            if !escaped && let Some(include) = parse_directive(after[..end].trim(), index + 1) {
                found.push(include);
            }
            rest = &after[end + 2..];
        }
    }
    found
}

/// Whether `line`, trimmed, is exactly one include directive.
pub fn is_include_line(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.starts_with("{{")
        && trimmed.ends_with("}}")
        && trimmed.matches("{{").count() == 1
        && parse_directive(trimmed[2..trimmed.len() - 2].trim(), 0)
            .is_some_and(|d| d.kind == "include" || d.kind == "rustdoc_include")
}

fn parse_directive(inner: &str, line: usize) -> Option<Include> {
    let inner = inner.strip_prefix('#')?;
    let (kind, args) = inner.split_once(char::is_whitespace)?;
    if !matches!(kind, "include" | "rustdoc_include" | "playground") {
        return None;
    }
    let target = args.split_whitespace().next()?;
    let (path, selector) = match target.split_once(':') {
        Some((path, selector)) => (path, Some(selector.to_string())),
        None => (target, None),
    };
    Some(Include {
        line,
        kind: kind.to_string(),
        path: path.to_string(),
        selector,
    })
}

/// Whether the file text has `ANCHOR: name` and, after it, `ANCHOR_END: name`
/// (mdBook's markers, in any comment syntax).
pub fn has_anchor(file_text: &str, name: &str) -> bool {
    let mut started = false;
    for line in file_text.lines() {
        if !started && marker_name(line, "ANCHOR:") == Some(name) {
            started = true;
        } else if started && marker_name(line, "ANCHOR_END:") == Some(name) {
            return true;
        }
    }
    false
}

/// The name after `marker` (`ANCHOR:`, `ANCHOR_END:`) on `line`, if the
/// marker is there: letters, digits, `_` and `-` (maybe empty).
pub fn marker_name<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let after = &line[line.find(marker)? + marker.len()..];
    let after = after.trim_start();
    let end = after
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(after.len());
    Some(&after[..end])
}

/// The targets of the links and images on a page (inline, reference and
/// autolinks, as a Markdown reader sees them, so not those in code), with
/// the 1-based line each starts on.
pub fn link_targets(text: &str) -> Vec<(usize, String)> {
    Parser::new(text)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some((line_of(text, range.start), dest_url.into_string()))
            }
            _ => None,
        })
        .collect()
}

/// Whether `text` contains `command` followed by the end of the text or a
/// character that cannot continue a crate or program name.
pub fn mentions_command(text: &str, command: &str) -> bool {
    text.match_indices(command).any(|(at, _)| {
        text[at + command.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_found_with_their_info_strings() {
        let page =
            "text\n```rust,compile_fail,E0499\n{{#include a.rs}}\n```\n\n~~~text\nout\n~~~\n";
        let blocks = code_blocks(page);
        assert_eq!(blocks.len(), 2);
        assert!(blocks[0].is_rust());
        assert!(blocks[0].has_attribute("compile_fail"));
        assert_eq!(blocks[0].body, vec![(3, "{{#include a.rs}}".to_string())]);
        assert!(!blocks[1].is_rust());
    }

    #[test]
    fn attribute_only_blocks_are_rust_and_bare_blocks_are_not() {
        assert!(code_blocks("```ignore\nx\n```\n")[0].is_rust());
        assert!(!code_blocks("```\nx\n```\n")[0].is_rust());
        assert!(!code_blocks("```python\nx\n```\n")[0].is_rust());
    }

    #[test]
    fn a_longer_fence_contains_a_shorter_one() {
        let page = "````markdown\n```rust\npasted\n```\n````\n";
        let blocks = code_blocks(page);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].info, "markdown");
    }

    #[test]
    fn includes_with_anchors_lines_and_escapes() {
        let page = "{{#include ../a.rs:spawn}}\n{{#rustdoc_include b.rs:3:9}}\n\\{{#include skipped.rs}}\n{{ #include  c.py }}\n";
        let found = includes(page);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].selection(), Selection::Anchor("spawn"));
        assert_eq!(found[1].selection(), Selection::Lines);
        assert_eq!(found[2].path, "c.py");
        assert_eq!(found[2].selection(), Selection::Whole);
    }

    #[test]
    fn anchors_need_a_start_and_an_end() {
        let file = "// ANCHOR: spawn\nfn f() {}\n// ANCHOR_END: spawn\n# ANCHOR: py\n";
        assert!(has_anchor(file, "spawn"));
        assert!(!has_anchor(file, "py"));
        assert!(!has_anchor(file, "spa"));
    }

    #[test]
    fn commands_are_matched_whole() {
        assert!(mentions_command(
            "run `cargo test -p threads`.",
            "cargo test -p threads"
        ));
        assert!(!mentions_command(
            "cargo test -p threads-solution",
            "cargo test -p threads"
        ));
    }

    #[test]
    fn link_targets_inline_and_reference() {
        let links = link_targets(
            "see [crate](../../exercises/01-threads/) and [x][y]\n\n`[not](a link)`\n\n[y]: other.md \"t\"\n",
        );
        assert_eq!(
            links,
            vec![
                (1, "../../exercises/01-threads/".to_string()),
                (1, "other.md".to_string())
            ]
        );
    }
}
