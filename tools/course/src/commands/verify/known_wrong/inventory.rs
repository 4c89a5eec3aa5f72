//! Which known-wrong and alternative solutions there are: the files of
//! `solutions/*/{wrong,alt}/<exercise>/` for the selected exercises, with
//! the findings about their folders, names, headers and numbers.

use std::path::{Path, PathBuf};

use super::headers::{Folder, Kind, parse_header};
use super::{MIN_ALT, MIN_WRONG, selected};
use crate::commands::verify::{Finding, ok_unless};
use crate::course::{Course, Exercise};
use crate::repo::Repo;

/// One known-wrong or alternative solution.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Index of its chapter in `Course::chapters`.
    pub chapter: usize,
    pub exercise: String,
    pub file: PathBuf,
    /// `wrong/<slug>.rs` or `alt/<slug>.rs`, for the table.
    pub shown: String,
    pub kind: Kind,
    pub text: String,
}

/// The files of `solutions/*/{wrong,alt}/` for the selected exercises, and
/// the findings about their layout, headers and numbers.
pub fn inventory(repo: &Repo, course: &Course, select: &[String]) -> (Vec<Entry>, Vec<Finding>) {
    let mut entries = Vec::new();
    let mut findings = Vec::new();
    for (index, chapter) in course.chapters.iter().enumerate() {
        let base = chapter.solution_dir(repo);
        for folder in [Folder::Wrong, Folder::Alt] {
            let dir = base.join(folder.dir_name());
            for sub in listing(&dir).filter(|e| e.file_type().is_dir()) {
                let name = sub.file_name().to_string_lossy();
                if !chapter.exercises.iter().any(|e| e.name == name) {
                    findings.push(Finding::fail(
                        repo.rel(sub.path()),
                        format!(
                            "`{name}` is not an exercise of exercises/{}/course.toml",
                            chapter.folder
                        ),
                        "name the folder after the exercise the files replace",
                    ));
                }
            }
        }
        for exercise in &chapter.exercises {
            if !selected(select, chapter, &exercise.name) {
                continue;
            }
            let mut counts = [0usize; 2];
            let mut problems = Vec::new();
            for (slot, folder) in [Folder::Wrong, Folder::Alt].into_iter().enumerate() {
                let dir = base.join(folder.dir_name()).join(&exercise.name);
                for file in listing(&dir).filter(|e| e.file_type().is_file()) {
                    match read_entry(repo, file.path(), folder, exercise) {
                        Ok((shown, kind, text)) => {
                            counts[slot] += 1;
                            entries.push(Entry {
                                chapter: index,
                                exercise: exercise.name.clone(),
                                file: file.into_path(),
                                shown,
                                kind,
                                text,
                            });
                        }
                        Err(problem) => problems.push(problem),
                    }
                }
            }
            let [wrong, alt] = counts;
            let place = format!(
                "solutions/{}/{{wrong,alt}}/{}",
                chapter.folder, exercise.name
            );
            if wrong < MIN_WRONG {
                problems.push(Finding::fail(
                    &place,
                    format!("exercise `{}` has {wrong} known-wrong solution(s); it needs at least {MIN_WRONG}", exercise.name),
                    format!(
                        "add solutions/{}/wrong/{}/<mistake>.rs files: the mistakes students make",
                        chapter.folder, exercise.name
                    ),
                ));
            }
            if alt < MIN_ALT {
                problems.push(Finding::fail(
                    &place,
                    format!("exercise `{}` has {alt} alternative solution(s); it needs at least {MIN_ALT}", exercise.name),
                    format!(
                        "add solutions/{}/alt/{}/<approach>.rs: a correct solution that takes another road",
                        chapter.folder, exercise.name
                    ),
                ));
            }
            findings.extend(ok_unless(problems, || {
                format!("{place}: {wrong} known-wrong and {alt} alternative solution(s), headers well formed")
            }));
        }
    }
    (entries, findings)
}

/// A file of `folder`: its name for the table, its header and its text;
/// or what is wrong with its name or its header.
fn read_entry(
    repo: &Repo,
    file: &Path,
    folder: Folder,
    exercise: &Exercise,
) -> Result<(String, Kind, String), Finding> {
    let fail = |what: String, fix: &str| Finding::fail(repo.rel(file), what, fix);
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let slug = name.strip_suffix(".rs").ok_or_else(|| {
        fail(
            "is not a .rs file".into(),
            "only drop-in replacements of the exercise file belong here",
        )
    })?;
    let slug_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    if slug.is_empty() || !slug.chars().all(slug_char) {
        return Err(fail(
            "the file name is not a slug".into(),
            "name it after the mistake or approach: lowercase letters, digits, `-`",
        ));
    }
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let kind = parse_header(&text, folder).map_err(|what| {
        fail(
            format!("bad header: {what}"),
            "see tools/course/LAYOUT.md, \"Known-wrong and alternative solutions\"",
        )
    })?;
    if let Kind::Wrong {
        clause: Some(id), ..
    } = kind
        && !exercise.clauses.iter().any(|c| c.id == id)
    {
        let ids: Vec<u32> = exercise.clauses.iter().map(|c| c.id).collect();
        return Err(fail(
            format!(
                "bad header: `//! CLAUSE: {id}`, but exercise `{}` has no clause {id} (its \
                 clauses: {ids:?})",
                exercise.name
            ),
            "name the clause of the exercise's course.toml that this mistake breaks",
        ));
    }
    Ok((format!("{}/{name}", folder.dir_name()), kind, text))
}

/// The entries of `dir` (none when it is missing), sorted by name.
fn listing(dir: &Path) -> impl Iterator<Item = walkdir::DirEntry> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::CourseToml;

    #[test]
    fn a_clause_line_must_name_a_clause_of_the_exercise() {
        let toml = "[chapter]\nnumber = 1\ntitle = \"T\"\npage = \"p.md\"\n\n[[exercise]]\n\
                    name = \"ordered\"\nsummary = \"s\"\ndifficulty = 1\nminutes = 5\n\
                    hints = [\"a\", \"b\"]\n\n[[exercise.clause]]\nid = 1\npromise = \"p\"\n\
                    tests = [\"t\"]\n";
        let exercise = CourseToml::parse(toml, "c").unwrap().exercises.remove(0);
        let dir = std::env::temp_dir().join(format!("course-inventory-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let repo = Repo::at(&dir);
        let read = |clause: &str| {
            let file = dir.join("joins-early.rs");
            let text =
                format!("//! WRONG: joins early\n//! EXPECT: only 1\n{clause}\nfn f() {{}}\n");
            std::fs::write(&file, text).unwrap();
            read_entry(&repo, &file, Folder::Wrong, &exercise)
        };
        let good = read("//! CLAUSE: 1").expect("clause 1 exists");
        assert!(matches!(
            good.1,
            Kind::Wrong {
                clause: Some(1),
                ..
            }
        ));
        assert!(read("//!").is_ok(), "the line is optional");
        let Err(Finding::Fail(problem)) = read("//! CLAUSE: 2") else {
            panic!("clause 2 does not exist");
        };
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            problem
                .what
                .contains("`//! CLAUSE: 2`, but exercise `ordered` has no clause 2"),
            "{}",
            problem.what
        );
    }
}
