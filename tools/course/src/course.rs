//! The chapters and exercises, read from `exercises/*/course.toml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::manifest::Manifest;
use crate::repo::Repo;

/// The contents of one `course.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseToml {
    pub chapter: ChapterInfo,
    #[serde(default, rename = "exercise")]
    pub exercises: Vec<Exercise>,
}

/// The `[chapter]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChapterInfo {
    pub number: u32,
    pub title: String,
    /// The chapter page, relative to `src/`.
    pub page: String,
    /// System packages the chapter needs besides Rust. Known: `"mpi"` (Open
    /// MPI and libclang, for chapter 9).
    #[serde(default)]
    pub requires: Vec<String>,
}

impl ChapterInfo {
    /// What is missing on this machine for the chapter to build, as a
    /// message with the command that installs it; `None` when nothing is.
    pub fn missing_requirements(&self) -> Option<String> {
        let missing: Vec<&str> = self
            .requires
            .iter()
            .filter_map(|need| match need.as_str() {
                "mpi" if !(on_path("mpicc") && on_path("mpirun")) => {
                    Some("Open MPI (sudo apt-get install libopenmpi-dev openmpi-bin libclang-dev)")
                }
                _ => None,
            })
            .collect();
        (!missing.is_empty()).then(|| {
            format!(
                "chapter {} needs {}, which this machine does not have",
                self.number,
                missing.join(" and ")
            )
        })
    }
}

/// Whether an executable called `program` is on `PATH`.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// One `[[exercise]]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Unique in the course; names `tests/<name>.rs` and `src/exercises/<name>.rs`.
    pub name: String,
    pub summary: String,
    /// 1 (warm-up) to 3 (hard).
    pub difficulty: u8,
    /// A teacher's estimate, in minutes.
    pub minutes: u32,
    /// The hint, in levels: a nudge (what to think about), then the approach,
    /// then details; never the full solution. `cargo course hint` shows one
    /// more level each time.
    pub hints: Vec<String>,
    /// What the exercise is worth in `cargo course grade`, spread evenly over
    /// its tests. Without it, each test is worth one point.
    #[serde(default)]
    pub points: Option<f64>,
    /// A model-checking test of the exercise crate (a `[[test]]` target name)
    /// that `cargo course test` runs after the normal tests pass, in release
    /// mode with `--cfg <loom_cfg>` and its own target directory.
    #[serde(default)]
    pub loom_test: Option<String>,
    /// The cfg name the loom test needs (`RUSTFLAGS="--cfg <loom_cfg>"`).
    #[serde(default)]
    pub loom_cfg: Option<String>,
    /// The exercise's contract: its promises as numbered clauses, each with
    /// the tests that check it (`[[exercise.clause]]`). `cargo course verify`
    /// checks them against the test files; the other commands only carry
    /// them.
    #[serde(default, rename = "clause")]
    pub clauses: Vec<Clause>,
}

/// One `[[exercise.clause]]` table: a promise of the exercise and the tests
/// that check it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    /// 1..n, in order, within the exercise.
    pub id: u32,
    /// One sentence: what the code promises.
    #[serde(default)]
    pub promise: String,
    /// `fn_name` (a `#[test]` fn in `tests/<exercise>.rs`) or `file::fn_name`
    /// (one in `tests/<file>.rs`).
    #[serde(default)]
    pub tests: Vec<String>,
}

/// The fewest hint levels an exercise may have: a nudge, then the approach.
pub const MIN_HINT_LEVELS: usize = 2;

impl Exercise {
    /// The loom test and its cfg name, when the exercise has one.
    pub fn loom(&self) -> Option<(&str, &str)> {
        Some((self.loom_test.as_deref()?, self.loom_cfg.as_deref()?))
    }
}

impl CourseToml {
    /// Parses and checks a `course.toml`. `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<CourseToml> {
        if let Ok(table) = text.parse::<toml::Table>()
            && let Some(exercises) = table.get("exercise").and_then(|e| e.as_array())
            && let Some(old) = exercises
                .iter()
                .find(|e| e.get("hint").is_some() && e.get("hints").is_none())
        {
            bail!(
                "{origin}: exercise `{}` has a `hint` string; hints now come in levels: \
                 hints = [\"a nudge\", \"the approach\", ...] (tools/course/LAYOUT.md, section course.toml)",
                old.get("name").and_then(|n| n.as_str()).unwrap_or("?")
            );
        }
        let parsed: CourseToml = toml::from_str(text).map_err(|e| {
            anyhow::anyhow!(
                "{origin} is not a valid course.toml: {e}\n\
                 The expected fields are described in tools/course/LAYOUT.md, section course.toml."
            )
        })?;
        let mut seen = BTreeMap::new();
        for exercise in &parsed.exercises {
            let name = &exercise.name;
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                || name.starts_with(|c: char| c.is_ascii_digit())
            {
                bail!(
                    "{origin}: exercise name `{name}` must be a Rust module name \
                     (lowercase letters, digits and `_`, not starting with a digit): \
                     it names tests/{name}.rs and src/exercises/{name}.rs"
                );
            }
            if !(1..=3).contains(&exercise.difficulty) {
                bail!(
                    "{origin}: exercise `{name}` has difficulty {}; use 1 (warm-up), 2 or 3 (hard)",
                    exercise.difficulty
                );
            }
            if exercise.loom_test.is_some() != exercise.loom_cfg.is_some() {
                bail!(
                    "{origin}: exercise `{name}` has only one of `loom_test` and `loom_cfg`; \
                     give both (the test target and the cfg name it needs), or neither"
                );
            }
            if let Some(cfg) = &exercise.loom_cfg
                && (cfg.is_empty() || !cfg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            {
                bail!(
                    "{origin}: exercise `{name}` has loom_cfg = \"{cfg}\"; a cfg name is \
                     letters, digits and `_` (it becomes RUSTFLAGS=\"--cfg {cfg}\")"
                );
            }
            if seen.insert(name.clone(), ()).is_some() {
                bail!(
                    "{origin}: exercise `{name}` is listed twice; give each exercise its own name"
                );
            }
        }
        Ok(parsed)
    }
}

/// A chapter: its crate folder, its crate name, and its `course.toml`.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// `exercises/NN-name`, absolute.
    pub dir: PathBuf,
    /// The folder name, `NN-name`.
    pub folder: String,
    /// The exercise crate's package name (from its Cargo.toml).
    pub crate_name: String,
    pub info: ChapterInfo,
    pub exercises: Vec<Exercise>,
}

impl Chapter {
    /// Reads the chapter in `dir` (which holds course.toml and Cargo.toml).
    pub fn load(repo: &Repo, dir: &Path) -> Result<Chapter> {
        let toml_path = dir.join("course.toml");
        let text = std::fs::read_to_string(&toml_path)
            .with_context(|| format!("cannot read {}", repo.rel(&toml_path)))?;
        let parsed = CourseToml::parse(&text, &repo.rel(&toml_path))?;
        let manifest = Manifest::read(dir)?;
        Ok(Chapter {
            dir: dir.to_path_buf(),
            folder: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            crate_name: manifest.package.name,
            info: parsed.chapter,
            exercises: parsed.exercises,
        })
    }

    /// `src/exercises/<name>.rs` of the exercise crate: the file a student edits.
    pub fn exercise_file(&self, exercise: &Exercise) -> PathBuf {
        self.dir
            .join("src")
            .join("exercises")
            .join(format!("{}.rs", exercise.name))
    }

    /// `tests/<name>.rs`: the tests shared by the exercise and the solution.
    pub fn test_file(&self, exercise: &Exercise) -> PathBuf {
        self.dir.join("tests").join(format!("{}.rs", exercise.name))
    }

    /// `solutions/NN-name`.
    pub fn solution_dir(&self, repo: &Repo) -> PathBuf {
        repo.solutions_dir().join(&self.folder)
    }

    /// The solution crate's package name.
    pub fn solution_crate(&self) -> String {
        format!("{}-solution", self.crate_name)
    }

    /// The chapter page, under `src/`.
    pub fn page(&self, repo: &Repo) -> PathBuf {
        repo.book_src().join(&self.info.page)
    }
}

/// Every chapter that has a `course.toml`, ordered by chapter number.
#[derive(Debug, Clone)]
pub struct Course {
    pub chapters: Vec<Chapter>,
}

impl Course {
    /// Reads `exercises/*/course.toml`. Folders without one are not chapters
    /// (yet) and are skipped; `verify` reports them.
    pub fn load(repo: &Repo) -> Result<Course> {
        let mut chapters = Vec::new();
        for dir in chapter_dirs(repo)? {
            if dir.join("course.toml").is_file() {
                chapters.push(Chapter::load(repo, &dir)?);
            }
        }
        chapters.sort_by_key(|c| c.info.number);
        for pair in chapters.windows(2) {
            if pair[0].info.number == pair[1].info.number {
                bail!(
                    "exercises/{} and exercises/{} both say they are chapter {}; \
                     give each chapter its own [chapter] number in course.toml",
                    pair[0].folder,
                    pair[1].folder,
                    pair[0].info.number
                );
            }
        }
        let mut owners: BTreeMap<&str, &str> = BTreeMap::new();
        for chapter in &chapters {
            for exercise in &chapter.exercises {
                if let Some(other) = owners.insert(&exercise.name, &chapter.folder) {
                    bail!(
                        "exercise `{}` appears in exercises/{other}/course.toml and in \
                         exercises/{}/course.toml; exercise names must be unique in the course",
                        exercise.name,
                        chapter.folder
                    );
                }
            }
        }
        Ok(Course { chapters })
    }

    /// Every exercise with its chapter, in course order.
    pub fn exercises(&self) -> impl Iterator<Item = (&Chapter, &Exercise)> {
        self.chapters
            .iter()
            .flat_map(|c| c.exercises.iter().map(move |e| (c, e)))
    }

    /// The exercise called `name`, if there is one.
    pub fn find(&self, name: &str) -> Option<(&Chapter, &Exercise)> {
        self.exercises().find(|(_, e)| e.name == name)
    }

    /// All exercise names, in course order.
    pub fn names(&self) -> Vec<&str> {
        self.exercises().map(|(_, e)| e.name.as_str()).collect()
    }
}

/// The folders under `exercises/`, sorted by name.
pub fn chapter_dirs(repo: &Repo) -> Result<Vec<PathBuf>> {
    let dir = repo.exercises_dir();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
        [chapter]
        number = 1
        title = "Threads"
        page = "01-threads/index.md"

        [[exercise]]
        name = "ordered_results"
        summary = "Collect results in input order"
        difficulty = 1
        minutes = 15
        hints = ["What decides the order of the results?", "Keep the JoinHandles in a Vec."]
    "#;

    #[test]
    fn parses_a_chapter_and_its_exercises() {
        let parsed = CourseToml::parse(GOOD, "course.toml").unwrap();
        assert_eq!(parsed.chapter.number, 1);
        assert_eq!(parsed.chapter.page, "01-threads/index.md");
        assert_eq!(parsed.exercises.len(), 1);
        assert_eq!(parsed.exercises[0].minutes, 15);
    }

    #[test]
    fn a_missing_field_is_named_with_the_file() {
        let text = GOOD.replace("minutes = 15", "");
        let error = CourseToml::parse(&text, "exercises/01-threads/course.toml")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("exercises/01-threads/course.toml"),
            "{error}"
        );
        assert!(error.contains("minutes"), "{error}");
        assert!(error.contains("LAYOUT.md"), "{error}");
    }

    #[test]
    fn a_misspelled_field_is_rejected() {
        let text = GOOD.replace("hints =", "hnits =");
        let error = CourseToml::parse(&text, "course.toml")
            .unwrap_err()
            .to_string();
        assert!(error.contains("hnit"), "{error}");
    }

    #[test]
    fn hints_come_in_levels_and_an_old_hint_string_says_so() {
        let parsed = CourseToml::parse(GOOD, "course.toml").unwrap();
        assert_eq!(parsed.exercises[0].hints.len(), 2);
        let old = GOOD.replace(
            r#"hints = ["What decides the order of the results?", "Keep the JoinHandles in a Vec."]"#,
            r#"hint = "Keep the JoinHandles in a Vec.""#,
        );
        let error = CourseToml::parse(&old, "c").unwrap_err().to_string();
        assert!(
            error.contains("exercise `ordered_results` has a `hint` string"),
            "{error}"
        );
        assert!(error.contains("hints = ["), "{error}");
    }

    #[test]
    fn loom_keys_come_together() {
        let parsed = CourseToml::parse(GOOD, "c").unwrap();
        assert_eq!(parsed.exercises[0].loom(), None);
        let both = format!("{GOOD}loom_test = \"loom_student\"\nloom_cfg = \"locks_loom\"\n");
        let parsed = CourseToml::parse(&both, "c").unwrap();
        assert_eq!(
            parsed.exercises[0].loom(),
            Some(("loom_student", "locks_loom"))
        );
        let one = format!("{GOOD}loom_test = \"loom_student\"\n");
        let error = CourseToml::parse(&one, "c").unwrap_err().to_string();
        assert!(
            error.contains("only one of `loom_test` and `loom_cfg`"),
            "{error}"
        );
        let bad = format!("{GOOD}loom_test = \"t\"\nloom_cfg = \"a b\"\n");
        let error = CourseToml::parse(&bad, "c").unwrap_err().to_string();
        assert!(error.contains("a cfg name is"), "{error}");
    }

    #[test]
    fn clauses_are_read_after_their_exercise() {
        let text = format!(
            "{GOOD}\n[[exercise.clause]]\nid = 1\npromise = \"In input order.\"\n\
             tests = [\"results_in_order\", \"loom_models::order\"]\n\n\
             [[exercise.clause]]\nid = 2\npromise = \"Joins all.\"\ntests = []\n"
        );
        let parsed = CourseToml::parse(&text, "c").unwrap();
        let clauses = &parsed.exercises[0].clauses;
        assert_eq!(clauses.len(), 2);
        assert_eq!(clauses[0].tests, ["results_in_order", "loom_models::order"]);
        assert_eq!(
            (clauses[1].id, clauses[1].promise.as_str()),
            (2, "Joins all.")
        );
        assert!(
            CourseToml::parse(GOOD, "c").unwrap().exercises[0]
                .clauses
                .is_empty()
        );
        let typo = text.replace("promise =", "promis =");
        assert!(CourseToml::parse(&typo, "c").is_err());
    }

    #[test]
    fn difficulty_must_be_one_to_three() {
        let text = GOOD.replace("difficulty = 1", "difficulty = 5");
        let error = CourseToml::parse(&text, "course.toml")
            .unwrap_err()
            .to_string();
        assert!(error.contains("difficulty 5"), "{error}");
    }

    #[test]
    fn exercise_names_must_be_module_names_and_unique() {
        let bad_name = GOOD.replace("ordered_results", "Ordered-Results");
        assert!(
            CourseToml::parse(&bad_name, "c")
                .unwrap_err()
                .to_string()
                .contains("module name")
        );
        let twice = format!(
            "{GOOD}\n[[exercise]]\nname = \"ordered_results\"\nsummary = \"s\"\n\
             difficulty = 1\nminutes = 1\nhints = [\"h\", \"i\"]\n"
        );
        assert!(
            CourseToml::parse(&twice, "c")
                .unwrap_err()
                .to_string()
                .contains("listed twice")
        );
    }
}
