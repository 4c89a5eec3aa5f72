//! Invariant 7, the contract half: every exercise lists its promises as
//! numbered clauses in `course.toml` (`[[exercise.clause]]`), each clause
//! names the tests that check it, and every test of the exercise's test
//! file checks some clause. Only reads files: it runs under `--quick` too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{Finding, ok_unless};
use crate::course::{Chapter, Course, Exercise};

const FORMAT: &str = "the format is in tools/course/LAYOUT.md, section course.toml: \
                      [[exercise.clause]] id = 1, promise = \"...\", tests = [\"fn_name\", \"file::fn_name\"]";

/// One finding per exercise: its contract is whole, or each thing missing.
pub fn check(course: &Course) -> Vec<Finding> {
    let mut findings = Vec::new();
    for chapter in &course.chapters {
        let toml = format!("exercises/{}/course.toml", chapter.folder);
        let text = std::fs::read_to_string(chapter.dir.join("course.toml")).unwrap_or_default();
        for exercise in &chapter.exercises {
            let place = format!("{toml}:{}", line_of_exercise(&text, &exercise.name));
            let tests_dir = chapter.dir.join("tests");
            let problems = check_exercise(exercise, &tests_dir, &chapter_tests_rel(chapter))
                .into_iter()
                .map(|(what, fix)| Finding::fail(&place, what, fix))
                .collect();
            findings.extend(ok_unless(problems, || {
                format!(
                    "exercise `{}`: {} clause(s), each with a promise and existing tests; every \
                     test of tests/{}.rs checks a clause",
                    exercise.name,
                    exercise.clauses.len(),
                    exercise.name
                )
            }));
        }
    }
    findings
}

/// `exercises/NN-name/tests`, for messages.
fn chapter_tests_rel(chapter: &Chapter) -> String {
    format!("exercises/{}/tests", chapter.folder)
}

/// The 1-based line of `name = "<exercise>"` in a course.toml, 1 if absent.
fn line_of_exercise(text: &str, exercise: &str) -> usize {
    text.lines()
        .position(|line| {
            line.trim()
                .strip_prefix("name")
                .map(|rest| rest.trim_start())
                .and_then(|rest| rest.strip_prefix('='))
                .is_some_and(|rest| rest.trim() == format!("\"{exercise}\""))
        })
        .map_or(1, |index| index + 1)
}

/// What is wrong with `exercise`'s contract, as (what, fix) pairs. `tests_dir`
/// holds its test files; `shown` is how messages name that folder.
pub fn check_exercise(exercise: &Exercise, tests_dir: &Path, shown: &str) -> Vec<(String, String)> {
    let name = &exercise.name;
    let mut problems = Vec::new();
    if exercise.clauses.is_empty() {
        problems.push((
            format!("exercise `{name}` has no contract: no [[exercise.clause]] follows it"),
            format!(
                "write each promise of its doc comment and page as a numbered clause naming \
                 the tests that check it; {FORMAT}"
            ),
        ));
        return problems;
    }
    let ids: Vec<u32> = exercise.clauses.iter().map(|c| c.id).collect();
    let expected: Vec<u32> = (1..=ids.len() as u32).collect();
    if ids != expected {
        problems.push((
            format!(
                "exercise `{name}`: the clause ids are {ids:?}; they must run 1..{} in order",
                ids.len()
            ),
            "number the clauses 1, 2, 3, ... in the order they are written".to_string(),
        ));
    }
    // The #[test] fns of each test file, read once.
    let mut files: BTreeMap<String, Option<BTreeSet<String>>> = BTreeMap::new();
    let mut tests_of = |file: &str| -> Option<BTreeSet<String>> {
        files
            .entry(file.to_string())
            .or_insert_with(|| {
                std::fs::read_to_string(tests_dir.join(format!("{file}.rs")))
                    .ok()
                    .map(|text| test_fns(&text))
            })
            .clone()
    };
    let mut named: BTreeSet<String> = BTreeSet::new();
    for clause in &exercise.clauses {
        let id = clause.id;
        if clause.promise.trim().is_empty() {
            problems.push((
                format!("exercise `{name}`, clause {id}: no promise"),
                "add promise = \"one sentence: what the code promises\"".to_string(),
            ));
        }
        if clause.tests.is_empty() {
            problems.push((
                format!("exercise `{name}`, clause {id}: names no test"),
                "add tests = [\"the_test_fn\"] (a #[test] fn that fails when the promise is broken)"
                    .to_string(),
            ));
        }
        for test in &clause.tests {
            let (file, function) = match test.split_once("::") {
                Some((file, function)) => (file, function),
                None => (name.as_str(), test.as_str()),
            };
            if file == name.as_str() {
                named.insert(function.to_string());
            }
            match tests_of(file) {
                None => problems.push((
                    format!(
                        "exercise `{name}`, clause {id} names test `{test}`, but {shown}/{file}.rs \
                         does not exist"
                    ),
                    format!(
                        "a bare name is a test in {shown}/{name}.rs; `file::fn` is one in \
                         {shown}/file.rs"
                    ),
                )),
                Some(fns) if !fns.contains(function) => problems.push((
                    format!(
                        "exercise `{name}`, clause {id} names test `{test}`, but \
                         {shown}/{file}.rs has no #[test] fn {function}"
                    ),
                    "fix the name in course.toml, or write that test".to_string(),
                )),
                Some(_) => {}
            }
        }
    }
    match tests_of(name) {
        None => problems.push((
            format!("exercise `{name}` has no test file {shown}/{name}.rs"),
            "every exercise has tests/<exercise>.rs".to_string(),
        )),
        Some(fns) => {
            let unnamed: Vec<&String> = fns.difference(&named).collect();
            if !unnamed.is_empty() {
                problems.push((
                    format!(
                        "exercise `{name}`: the tests {} of {shown}/{name}.rs check no clause",
                        unnamed
                            .iter()
                            .map(|f| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    "name each in the tests of the clause it checks (or add the clause it checks)"
                        .to_string(),
                ));
            }
        }
    }
    problems
}

/// The names of the `#[test]` fns in a test file's text: a `#[test]`
/// attribute, then maybe other attributes (`#[ignore]`, a `#[cfg_attr(...)]`
/// over several lines), comments and blank lines, then `fn name`.
pub fn test_fns(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut after_test = false;
    // Open brackets of an attribute that spans lines.
    let mut depth: i32 = 0;
    for line in text.lines() {
        let mut rest = line.trim();
        if depth > 0 {
            depth += brackets(rest);
            continue;
        }
        // Attributes at the start of the line, maybe followed by the fn.
        while let Some(attribute) = rest.strip_prefix("#[") {
            let whole = attribute_len(attribute);
            match whole {
                Some(end) => {
                    let inner = attribute[..end].trim();
                    if inner == "test" {
                        after_test = true;
                    }
                    rest = attribute[end + 1..].trim_start();
                }
                None => {
                    if attribute.trim_start().starts_with("test]") {
                        after_test = true;
                    }
                    depth = 1 + brackets(attribute);
                    rest = "";
                }
            }
        }
        if !after_test {
            continue;
        }
        if rest.is_empty() || rest.starts_with("//") {
            continue;
        }
        if let Some(name) = fn_name(rest) {
            found.insert(name);
        }
        after_test = false;
    }
    found
}

/// The index of the `]` that closes an attribute whose text (after `#[`)
/// is `text`, if it closes on this line.
fn attribute_len(text: &str) -> Option<usize> {
    let mut depth = 1;
    for (index, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

/// Opening minus closing square brackets on a line.
fn brackets(text: &str) -> i32 {
    text.chars()
        .map(|c| match c {
            '[' => 1,
            ']' => -1,
            _ => 0,
        })
        .sum()
}

/// The name in `[pub[(...)]] [async] [unsafe] fn name(...`, if the line
/// declares a fn.
fn fn_name(line: &str) -> Option<String> {
    let mut words = line.split(|c: char| c.is_whitespace() || c == '(' || c == '<');
    while let Some(word) = words.next() {
        match word {
            "" | "async" | "unsafe" | "const" => {}
            w if w.starts_with("pub") => {}
            "fn" => {
                let name = words.find(|w| !w.is_empty())?;
                return Some(name.to_string());
            }
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::CourseToml;

    const TESTS: &str = r#"
use testkit::DEADLINE;

/// Results come back in input order.
#[test]
fn results_in_order() {}

#[test]
#[ignore = "slow"]
#[cfg_attr(
    miri,
    ignore
)]
// a comment between
pub fn joins_every_thread() {}

#[test] fn one_line() {}

fn helper_not_a_test() {}

#[cfg(test)]
fn also_not() {}
"#;

    #[test]
    fn test_fns_are_found_through_other_attributes_and_comments() {
        let fns: Vec<String> = test_fns(TESTS).into_iter().collect();
        assert_eq!(fns, ["joins_every_thread", "one_line", "results_in_order"]);
    }

    fn exercise(clauses: &str) -> Exercise {
        let text = format!(
            "[chapter]\nnumber = 1\ntitle = \"T\"\npage = \"p.md\"\n\n[[exercise]]\n\
             name = \"ordered\"\nsummary = \"s\"\ndifficulty = 1\nminutes = 5\n\
             hints = [\"a\", \"b\"]\n{clauses}"
        );
        CourseToml::parse(&text, "course.toml")
            .unwrap()
            .exercises
            .remove(0)
    }

    /// A tests folder with two test files, one per calling test (they run
    /// at the same time).
    fn fixture(tag: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("course-contracts-{}-{tag}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("ordered.rs"), TESTS).unwrap();
        std::fs::write(dir.join("loom_models.rs"), "#[test]\nfn order_model() {}\n").unwrap();
        dir
    }

    fn problems(clauses: &str) -> Vec<String> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let tag = NEXT
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .to_string();
        let dir = fixture(&tag);
        let found = check_exercise(&exercise(clauses), &dir, "exercises/01-t/tests")
            .into_iter()
            .map(|(what, _)| what)
            .collect();
        let _ = std::fs::remove_dir_all(&dir);
        found
    }

    const WHOLE: &str = r#"
[[exercise.clause]]
id = 1
promise = "Results in input order."
tests = ["results_in_order", "loom_models::order_model", "ordered::one_line"]

[[exercise.clause]]
id = 2
promise = "Joins every thread."
tests = ["joins_every_thread"]
"#;

    #[test]
    fn a_whole_contract_passes() {
        assert_eq!(problems(WHOLE), Vec::<String>::new());
    }

    #[test]
    fn an_exercise_without_clauses_fails() {
        let found = problems("");
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("`ordered` has no contract"), "{found:?}");
    }

    #[test]
    fn each_missing_piece_is_named() {
        let broken = WHOLE
            .replace("id = 2", "id = 3")
            .replace("promise = \"Joins every thread.\"", "promise = \" \"")
            .replace("\"loom_models::order_model\"", "\"loom_models::gone\"")
            .replace("\"ordered::one_line\"", "\"missing_file::x\"");
        let found = problems(&broken).join("\n");
        for expected in [
            "the clause ids are [1, 3]; they must run 1..2",
            "clause 3: no promise",
            "clause 1 names test `loom_models::gone`, but exercises/01-t/tests/loom_models.rs \
             has no #[test] fn gone",
            "clause 1 names test `missing_file::x`, but exercises/01-t/tests/missing_file.rs \
             does not exist",
            "the tests `one_line` of exercises/01-t/tests/ordered.rs check no clause",
        ] {
            assert!(
                found.contains(expected),
                "missing {expected:?} in:\n{found}"
            );
        }
        let no_tests = WHOLE.replace("tests = [\"joins_every_thread\"]", "tests = []");
        let found = problems(&no_tests).join("\n");
        assert!(found.contains("clause 2: names no test"), "{found}");
        assert!(found.contains("`joins_every_thread`"), "{found}");
    }

    #[test]
    fn the_exercise_line_is_found() {
        let text = "[chapter]\n\n[[exercise]]\nname = \"a\"\n\n[[exercise]]\nname   =   \"b\"\n";
        assert_eq!(line_of_exercise(text, "b"), 7);
        assert_eq!(line_of_exercise(text, "zz"), 1);
    }
}
