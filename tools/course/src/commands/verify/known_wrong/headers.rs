//! The header of a known-wrong or alternative solution: its first lines of
//! inner doc comments, `//! WRONG:` and `//! EXPECT:`, or `//! ALT:`.

/// Which of the two folders a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    Wrong,
    Alt,
}

impl Folder {
    pub fn dir_name(self) -> &'static str {
        match self {
            Folder::Wrong => "wrong",
            Folder::Alt => "alt",
        }
    }
}

/// What a file's header says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `//! WRONG: <mistake>` then `//! EXPECT: <text the tests must print>`,
    /// then maybe `//! CLAUSE: <id>`: the clause of the exercise's contract
    /// that the mistake breaks, which the first failure must name.
    Wrong {
        mistake: String,
        expect: String,
        clause: Option<u32>,
    },
    /// `//! ALT: <approach>`.
    Alt { approach: String },
}

/// Reads the header of a file in `folder`. Returns what is wrong with it, in
/// words, when it is not right.
pub fn parse_header(text: &str, folder: Folder) -> Result<Kind, String> {
    let mut lines = text.lines();
    let mut next = |which: &str, key: &str, shape: &str| {
        header_value(lines.next(), key)
            .ok_or_else(|| format!("the {which} line must be `//! {key}: <{shape}>`"))
    };
    // Fields are evaluated in the order written: WRONG, then EXPECT.
    Ok(match folder {
        Folder::Wrong => Kind::Wrong {
            mistake: next("first", "WRONG", "the mistake, in a few words")?,
            expect: next("second", "EXPECT", "text the tests print for this mistake")?,
            clause: clause_line(text.lines().nth(2))?,
        },
        Folder::Alt => Kind::Alt {
            approach: next("first", "ALT", "the other approach, in a few words")?,
        },
    })
}

/// The optional third line of a known-wrong file, `//! CLAUSE: <id>`: `None`
/// when the line is something else, an error when it says CLAUSE but no
/// clause id.
fn clause_line(line: Option<&str>) -> Result<Option<u32>, String> {
    let Some(rest) = line.and_then(|l| l.strip_prefix("//! CLAUSE")) else {
        return Ok(None);
    };
    let value = header_value(line, "CLAUSE").unwrap_or_default();
    match value.parse::<u32>() {
        Ok(id) if id > 0 && rest.starts_with(':') => Ok(Some(id)),
        _ => Err(format!(
            "the third line must be `//! CLAUSE: <the id of the clause the mistake breaks, \
             a number from course.toml>`, not `//! CLAUSE{rest}`"
        )),
    }
}

/// The text after `//! KEY:` on `line`, if there is some.
fn header_value(line: Option<&str>, key: &str) -> Option<String> {
    let value = line?
        .strip_prefix("//! ")?
        .strip_prefix(key)?
        .strip_prefix(':')?
        .trim();
    (!value.is_empty()).then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_name_the_mistake_and_the_message() {
        let wrong = "//! WRONG: `if` instead of `while`\n//! EXPECT: woke up with no permit\n//!\nfn f() {}\n";
        assert_eq!(
            parse_header(wrong, Folder::Wrong),
            Ok(Kind::Wrong {
                mistake: "`if` instead of `while`".into(),
                expect: "woke up with no permit".into(),
                clause: None,
            })
        );
        let with_clause =
            "//! WRONG: joins early\n//! EXPECT: only 1 of 4\n//! CLAUSE: 3\nfn f() {}\n";
        assert_eq!(
            parse_header(with_clause, Folder::Wrong),
            Ok(Kind::Wrong {
                mistake: "joins early".into(),
                expect: "only 1 of 4".into(),
                clause: Some(3),
            })
        );
        for bad in [
            "//! CLAUSE: three",
            "//! CLAUSE:",
            "//! CLAUSE 3",
            "//! CLAUSE: 0",
        ] {
            let text = format!("//! WRONG: x\n//! EXPECT: y\n{bad}\n");
            let error = parse_header(&text, Folder::Wrong).unwrap_err();
            assert!(
                error.contains("the third line must be `//! CLAUSE:"),
                "{bad}: {error}"
            );
        }
        assert_eq!(
            parse_header("//! ALT: a channel\n", Folder::Alt),
            Ok(Kind::Alt {
                approach: "a channel".into()
            })
        );
    }

    #[test]
    fn a_header_that_is_missing_empty_or_in_the_wrong_folder_is_rejected() {
        let no_expect = "//! WRONG: joins early\nfn f() {}\n";
        assert!(
            parse_header(no_expect, Folder::Wrong)
                .unwrap_err()
                .contains("EXPECT")
        );
        let empty = "//! WRONG: joins early\n//! EXPECT:   \n";
        assert!(
            parse_header(empty, Folder::Wrong)
                .unwrap_err()
                .contains("EXPECT")
        );
        assert!(parse_header("//! ALT: a channel\n", Folder::Wrong).is_err());
        assert!(parse_header("//! WRONG: x\n//! EXPECT: y\n", Folder::Alt).is_err());
        assert_eq!(
            parse_header("// WRONG: x\n", Folder::Wrong),
            Err("the first line must be `//! WRONG: <the mistake, in a few words>`".into())
        );
    }
}
