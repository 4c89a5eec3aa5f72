//! The entries of the book's `src/SUMMARY.md`.

/// One line of SUMMARY.md that names a page (or a draft: a page to come).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1-based line.
    pub line: usize,
    /// Nesting depth: 0 for top-level entries and prefix/suffix chapters.
    pub depth: usize,
    pub title: String,
    /// The page, relative to `src/`; `None` for a draft (`- [Title]()`).
    pub path: Option<String>,
}

impl Entry {
    pub fn is_draft(&self) -> bool {
        self.path.is_none()
    }
}

/// Reads the entries of SUMMARY.md, in order. Part titles (`# Part I`),
/// separators and prose are skipped.
pub fn entries(text: &str) -> Vec<Entry> {
    let mut found = Vec::new();
    let mut indents: Vec<usize> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        let (listed, rest) = match trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            Some(rest) => (true, rest.trim_start()),
            None => (false, trimmed),
        };
        let Some(rest) = rest.strip_prefix('[') else {
            continue;
        };
        let Some((title, after)) = rest.split_once("](") else {
            continue;
        };
        let Some((target, _)) = after.split_once(')') else {
            continue;
        };
        let depth = if listed {
            while indents.last().is_some_and(|&last| last > indent) {
                indents.pop();
            }
            if indents.last() != Some(&indent) {
                indents.push(indent);
            }
            indents.len() - 1
        } else {
            indents.clear();
            0
        };
        let target = target.trim();
        found.push(Entry {
            line: index + 1,
            depth,
            title: title.to_string(),
            path: (!target.is_empty()).then(|| target.to_string()),
        });
    }
    found
}

/// The entries nested under `entries[index]` (its sub-chapters, recursively).
pub fn children(entries: &[Entry], index: usize) -> &[Entry] {
    let depth = entries[index].depth;
    let end = entries[index + 1..]
        .iter()
        .position(|e| e.depth <= depth)
        .map_or(entries.len(), |offset| index + 1 + offset);
    &entries[index + 1..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUMMARY: &str = "# Summary\n\n[Intro](README.md)\n\n# Part I\n\n\
        - [Threads](01-threads/index.md)\n  - [Spawn](01-threads/spawn.md)\n\
        - [Pipes]()\n\n# Appendices\n\n- [Solutions](solutions/index.md)\n    \
        - [Threads](solutions/01-threads.md)\n";

    #[test]
    fn entries_drafts_and_depths() {
        let found = entries(SUMMARY);
        let shape: Vec<(usize, &str, Option<&str>)> = found
            .iter()
            .map(|e| (e.depth, e.title.as_str(), e.path.as_deref()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (0, "Intro", Some("README.md")),
                (0, "Threads", Some("01-threads/index.md")),
                (1, "Spawn", Some("01-threads/spawn.md")),
                (0, "Pipes", None),
                (0, "Solutions", Some("solutions/index.md")),
                (1, "Threads", Some("solutions/01-threads.md")),
            ]
        );
        assert!(found[3].is_draft());
        assert_eq!(found[2].line, 8);
    }

    #[test]
    fn children_are_the_nested_entries() {
        let found = entries(SUMMARY);
        assert_eq!(children(&found, 1).len(), 1);
        assert_eq!(
            children(&found, 4)[0].path.as_deref(),
            Some("solutions/01-threads.md")
        );
        assert!(children(&found, 3).is_empty());
    }
}
